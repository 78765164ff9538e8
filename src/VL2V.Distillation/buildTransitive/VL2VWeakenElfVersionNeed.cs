// MSBuild inline task (RoslynCodeTaskFactory, compiled against netstandard): sets VER_FLG_WEAK on one
// version-need entry of an ELF64 little-endian shared library, so that glibc's loader accepts the library on
// systems whose libstdc++ lacks that version. See VL2V.Distillation.targets for why.
using System;
using System.IO;
using System.Text;
using Microsoft.Build.Framework;
using Microsoft.Build.Utilities;

public class VL2VWeakenElfVersionNeed : Task
{
    private const uint ShtGnuVerneed = 0x6ffffffe;
    private const ushort VerFlgWeak = 0x2;

    [Required] public ITaskItem[] Files { get; set; } = Array.Empty<ITaskItem>();

    [Required] public string VersionName { get; set; } = "";

    public override bool Execute()
    {
        foreach (var item in Files)
        {
            var path = item.ItemSpec;
            if (!File.Exists(path)) continue;
            byte[] image = File.ReadAllBytes(path);
            int changed;
            try
            {
                changed = MarkWeak(image, VersionName);
            }
            catch (Exception e) when (e is IndexOutOfRangeException || e is ArgumentException || e is OverflowException)
            {
                Log.LogMessage(MessageImportance.Low, "Skipped " + path + ": not a well-formed ELF64 file.");
                continue;
            }
            if (changed == 0) continue;

            // Write beside and rename: never leaves a half-written library, and replaces (not edits) a file
            // that the build may have hard-linked to the NuGet cache.
            var temporary = path + ".vl2v-tmp";
            File.WriteAllBytes(temporary, image);
            File.Replace(temporary, path, null);
            Log.LogMessage(MessageImportance.Normal, "Marked ELF version need " + VersionName + " weak in " + path);
        }
        return !Log.HasLoggedErrors;
    }

    /// <summary>Returns how many version-need entries named <paramref name="version"/> were made weak.</summary>
    private static int MarkWeak(byte[] d, string version)
    {
        // ELF64, little-endian only (x86-64 and arm64 Linux).
        if (d.Length < 64 || d[0] != 0x7f || d[1] != (byte)'E' || d[2] != (byte)'L' || d[3] != (byte)'F' || d[4] != 2 || d[5] != 1)
            return 0;
        long sectionTable = BitConverter.ToInt64(d, 0x28);
        int sectionSize = BitConverter.ToUInt16(d, 0x3A);
        int sectionCount = BitConverter.ToUInt16(d, 0x3C);
        if (sectionTable <= 0 || sectionTable + (long)sectionSize * sectionCount > d.Length) return 0;

        int changed = 0;
        for (int i = 0; i < sectionCount; i++)
        {
            int header = checked((int)(sectionTable + (long)i * sectionSize));
            if (BitConverter.ToUInt32(d, header + 4) != ShtGnuVerneed) continue;
            int offset = checked((int)BitConverter.ToInt64(d, header + 24));
            int entries = (int)BitConverter.ToUInt32(d, header + 44); // sh_info: number of Verneed entries
            int stringSection = checked((int)(sectionTable + (long)BitConverter.ToUInt32(d, header + 40) * sectionSize));
            int strings = checked((int)BitConverter.ToInt64(d, stringSection + 24));

            for (int n = 0; n < entries; n++)
            {
                int auxCount = BitConverter.ToUInt16(d, offset + 2);
                int aux = offset + (int)BitConverter.ToUInt32(d, offset + 8);
                for (int k = 0; k < auxCount; k++)
                {
                    ushort flags = BitConverter.ToUInt16(d, aux + 4);
                    int name = strings + (int)BitConverter.ToUInt32(d, aux + 8);
                    int end = Array.IndexOf(d, (byte)0, name);
                    if (end < 0) return changed;
                    if ((flags & VerFlgWeak) == 0 && Encoding.ASCII.GetString(d, name, end - name) == version)
                    {
                        flags |= VerFlgWeak;
                        d[aux + 4] = (byte)(flags & 0xff);
                        d[aux + 5] = (byte)(flags >> 8);
                        changed++;
                    }
                    aux += (int)BitConverter.ToUInt32(d, aux + 12);
                }
                int next = (int)BitConverter.ToUInt32(d, offset + 12);
                if (next == 0) break;
                offset += next;
            }
        }
        return changed;
    }
}
