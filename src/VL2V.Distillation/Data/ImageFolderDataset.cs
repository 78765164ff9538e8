using System.Collections.Concurrent;
using System.Security.Cryptography;

namespace VL2V.Distillation.Data;

/// <summary>
/// A dataset read from DomainBed's folder layout <c>ROOT/&lt;domain&gt;/&lt;class&gt;/&lt;image&gt;</c> (PACS, VLCS,
/// OfficeHome, TerraIncognita, DomainNet), in DomainBed's order, so that <see cref="DomainSplit"/> holds out the same
/// images as DomainBed.
/// </summary>
/// <remarks>
/// Domains are the sub-folders of the root and classes the sub-folders of each domain, both sorted ordinally (as
/// Python's <c>sorted</c> does); every domain must have the same class folders. A class's images are the .jpg,
/// .jpeg and .png files (any case) in its folder and below, in the order of torchvision's <c>ImageFolder</c>
/// (folders by path, then file names, ordinally). Files in the other formats torchvision's <c>ImageFolder</c> reads
/// (.bmp, .ppm, .pgm, .tif, .tiff, .webp) are reported as invalid, since leaving them out silently would shift sample
/// indices away from DomainBed's; all other files are ignored and counted in <see cref="Report"/>.
/// Open validates everything before training starts (see <see cref="ImageFolderOptions"/>). Immutable and thread-safe.
/// </remarks>
public sealed class ImageFolderDataset : IDomainDataset
{
    private static readonly string[] Extensions = [".jpg", ".jpeg", ".png"];
    private static readonly string[] OtherTorchvisionExtensions = [".ppm", ".bmp", ".pgm", ".tif", ".tiff", ".webp"];
    private readonly IReadOnlyList<(string RelativePath, int Label)>[] _images;

    private ImageFolderDataset(string root, IReadOnlyList<string> domains, IReadOnlyList<string> classFolders,
        IReadOnlyList<(string, int)>[] images, ImageFolderReport report)
    {
        Root = root;
        Domains = domains;
        ClassFolders = classFolders;
        Classes = classFolders.Select(ClassName).ToList();
        DomainSizes = domains.Select((d, i) => new DomainSize(d, images[i].Count)).ToList();
        _images = images;
        Report = report;
    }

    /// <summary>The dataset's root folder (full path).</summary>
    public string Root { get; }

    /// <inheritdoc />
    public IReadOnlyList<string> Domains { get; }

    /// <summary>The class folder names in label order.</summary>
    public IReadOnlyList<string> ClassFolders { get; }

    /// <inheritdoc />
    public IReadOnlyList<string> Classes { get; }

    /// <inheritdoc />
    public IReadOnlyList<DomainSize> DomainSizes { get; }

    /// <summary>What validation found: the image count and the images skipped.</summary>
    public ImageFolderReport Report { get; }

    /// <summary>Scans and validates a DomainBed-layout folder.</summary>
    /// <param name="root">The dataset folder, e.g. <c>data/PACS</c>.</param>
    /// <param name="options">How to validate, or null for the defaults (decode every image, fail on any problem).</param>
    /// <exception cref="DirectoryNotFoundException">The root folder does not exist.</exception>
    /// <exception cref="DatasetValidationException">The folder is invalid; the message lists every problem
    /// (domains whose class folders differ, empty classes, unreadable or corrupt images with the decoder's reason).</exception>
    public static ImageFolderDataset Open(string root, ImageFolderOptions? options = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(root);
        options ??= new ImageFolderOptions();
        ArgumentOutOfRangeException.ThrowIfLessThan(options.MaxDegreeOfParallelism, 1, nameof(options.MaxDegreeOfParallelism));
        root = Path.GetFullPath(root);
        if (!Directory.Exists(root))
        {
            throw new DirectoryNotFoundException(
                $"The dataset folder '{root}' does not exist. Pass the folder that holds one sub-folder per domain (ROOT/<domain>/<class>/<image>).");
        }

        var problems = new List<string>();
        var domains = SortedNames(Directory.GetDirectories(root));
        if (domains.Count == 0)
            problems.Add($"'{root}' has no domain folders; expected ROOT/<domain>/<class>/<image>.");

        var classesOf = domains.ToDictionary(d => d, d => SortedNames(Directory.GetDirectories(Path.Combine(root, d))));
        foreach (var domain in domains.Where(d => classesOf[d].Count == 0))
            problems.Add($"Domain folder '{Path.Combine(root, domain)}' has no class folders; expected ROOT/<domain>/<class>/<image>.");
        var allClasses = classesOf.Values.SelectMany(c => c).Distinct().Order(StringComparer.Ordinal).ToList();
        foreach (var cls in allClasses)
        {
            var missing = domains.Where(d => !classesOf[d].Contains(cls)).ToList();
            if (missing.Count > 0)
            {
                var present = domains.Except(missing).ToList();
                problems.Add($"Class folder '{cls}' exists in domain{Plural(present)} [{string.Join(", ", present)}] but not in " +
                    $"[{string.Join(", ", missing)}]; every domain must have the same class folders.");
            }
        }
        if (options.Expected is { } expected)
            CheckExpected(expected, domains, allClasses, problems);

        int ignored = 0;
        var unsupported = new List<SkippedImage>();
        var files = new List<(string RelativePath, int Label)>[domains.Count];
        for (int d = 0; d < domains.Count; d++)
        {
            files[d] = [];
            foreach (var cls in classesOf[domains[d]])
            {
                int label = allClasses.IndexOf(cls);
                var classDir = Path.Combine(root, domains[d], cls);
                int before = files[d].Count;
                foreach (var file in EnumerateImageFolderOrder(classDir))
                {
                    var extension = Path.GetExtension(file);
                    if (Extensions.Contains(extension, StringComparer.OrdinalIgnoreCase))
                    {
                        files[d].Add((Path.GetRelativePath(root, file).Replace('\\', '/'), label));
                    }
                    else if (OtherTorchvisionExtensions.Contains(extension, StringComparer.OrdinalIgnoreCase))
                    {
                        unsupported.Add(new SkippedImage(file, $"Image '{file}' is a {extension} file, but only .jpg, .jpeg and .png are read; " +
                            "DomainBed would include it, so sample indices and splits would differ. Convert it to PNG or delete it."));
                    }
                    else
                    {
                        ignored++;
                    }
                }
                if (files[d].Count == before)
                    problems.Add($"Class folder '{classDir}' has no images (.jpg, .jpeg or .png); add images or remove the folder from every domain.");
            }
        }

        var bad = new SortedDictionary<string, SkippedImage>(StringComparer.Ordinal);
        foreach (var u in unsupported) bad[Path.GetRelativePath(root, u.Path).Replace('\\', '/')] = u;
        if (options.Validation != ImageValidation.None)
        {
            foreach (var (relative, b) in FindBadImages(root, files, options)) bad[relative] = b;
        }
        var skipped = new List<SkippedImage>();
        if (bad.Count > 0 && !options.SkipInvalidImages)
        {
            problems.AddRange(bad.Values.Select(b => b.Reason));
        }
        else if (bad.Count > 0)
        {
            skipped.AddRange(bad.Values);
            for (int d = 0; d < files.Length; d++)
            {
                var kept = files[d].Where(f => !bad.ContainsKey(f.RelativePath)).ToList();
                var keptLabels = kept.Select(k => k.Label).ToHashSet();
                foreach (var label in files[d].Select(f => f.Label).Distinct().Where(l => !keptLabels.Contains(l)))
                {
                    problems.Add($"Class folder '{Path.Combine(root, domains[d], allClasses[label])}' has no valid images " +
                        "left after skipping the invalid ones; add images or remove the folder from every domain.");
                }
                files[d] = kept;
            }
        }

        if (problems.Count > 0)
            throw new DatasetValidationException(root, problems);
        var report = new ImageFolderReport(files.Sum(f => f.Count), skipped, ignored, options.Validation);
        return new ImageFolderDataset(root, domains, allClasses, files, report);
    }

    /// <summary>The full path of a sample's file.</summary>
    /// <param name="domain">The domain's position in <see cref="Domains"/>.</param>
    /// <param name="index">The sample's index within the domain.</param>
    public string GetPath(int domain, int index) => Path.Combine(Root, Entry(domain, index).RelativePath);

    /// <inheritdoc />
    public long GetLabel(int domain, int index) => Entry(domain, index).Label;

    /// <inheritdoc />
    public Sample Load(int domain, int index)
    {
        var (relative, label) = Entry(domain, index);
        var path = Path.Combine(Root, relative);
        var bytes = ImageDecoder.ReadFile(path);
        var image = ImageDecoder.Decode(bytes, path);
        var key = new SampleKey(relative, Convert.ToHexString(SHA256.HashData(bytes)).ToLowerInvariant());
        return new Sample(domain, index, label, key, image);
    }

    /// <summary>A class folder name as text: <c>'_'</c> read as a space (<c>Alarm_Clock</c> → <c>Alarm Clock</c>).</summary>
    internal static string ClassName(string folder) => folder.Replace('_', ' ');

    private (string RelativePath, int Label) Entry(int domain, int index)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(domain);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(domain, _images.Length);
        ArgumentOutOfRangeException.ThrowIfNegative(index);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(index, _images[domain].Count);
        return _images[domain][index];
    }

    private static List<string> SortedNames(string[] paths) =>
        paths.Select(p => Path.GetFileName(p)).Order(StringComparer.Ordinal).ToList();

    private static string Plural<T>(IReadOnlyCollection<T> items) => items.Count == 1 ? "" : "s";

    // torchvision's make_dataset: for root, _, names in sorted(os.walk(dir)): for name in sorted(names).
    private static IEnumerable<string> EnumerateImageFolderOrder(string dir)
    {
        var folders = new List<string> { dir };
        folders.AddRange(Directory.EnumerateDirectories(dir, "*", SearchOption.AllDirectories));
        foreach (var folder in folders.Order(StringComparer.Ordinal))
        {
            foreach (var file in Directory.GetFiles(folder).Order(StringComparer.Ordinal))
                yield return file;
        }
    }

    private static void CheckExpected(DatasetDescriptor expected, List<string> domains, List<string> classes, List<string> problems)
    {
        var missingDomains = expected.Domains.Except(domains).ToList();
        var extraDomains = domains.Except(expected.Domains).ToList();
        if (missingDomains.Count > 0 || extraDomains.Count > 0)
        {
            problems.Add($"The domain folders do not match {expected.Name}: missing [{string.Join(", ", missingDomains)}], " +
                $"unexpected [{string.Join(", ", extraDomains)}]; expected [{string.Join(", ", expected.Domains)}].");
        }
        var missingClasses = expected.ClassFolders.Except(classes).ToList();
        var extraClasses = classes.Except(expected.ClassFolders).ToList();
        if (missingClasses.Count > 0 || extraClasses.Count > 0)
        {
            problems.Add($"The class folders do not match {expected.Name}: missing [{string.Join(", ", missingClasses)}], " +
                $"unexpected [{string.Join(", ", extraClasses)}].");
        }
    }

    private static SortedDictionary<string, SkippedImage> FindBadImages(string root,
        List<(string RelativePath, int Label)>[] files, ImageFolderOptions options)
    {
        var bad = new ConcurrentDictionary<string, SkippedImage>();
        var all = files.SelectMany(f => f).Select(f => f.RelativePath).ToList();
        Parallel.ForEach(all, new ParallelOptions { MaxDegreeOfParallelism = options.MaxDegreeOfParallelism }, relative =>
        {
            var path = Path.Combine(root, relative);
            try
            {
                var bytes = ImageDecoder.ReadFile(path);
                if (options.Validation == ImageValidation.Decode)
                    ImageDecoder.Decode(bytes, path);
                else
                    ImageDecoder.CheckHeader(bytes, path);
            }
            catch (InvalidDataException e)
            {
                bad[relative] = new SkippedImage(path, e.Message);
            }
        });
        return new SortedDictionary<string, SkippedImage>(bad, StringComparer.Ordinal);
    }
}
