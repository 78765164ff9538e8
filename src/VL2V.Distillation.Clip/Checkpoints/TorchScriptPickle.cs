using System.Buffers.Binary;
using System.Text;

namespace VL2V.Distillation.Clip.Checkpoints;

/// <summary>
/// A small, non-executing reader for the pickle (protocol 2) in a TorchScript archive's <c>data.pkl</c>: the module tree
/// of <c>__torch__.*</c> objects whose states hold <c>torch._utils._rebuild_tensor_v2(persistent storage, …)</c> tensors.
/// It builds plain descriptions (no tensors, no code) and rejects every opcode or callable it does not know.
/// </summary>
internal static class TorchScriptPickle
{
    public sealed record Global(string Module, string Name);

    public sealed record Storage(string StorageType, string Key, long Numel);

    public sealed record TensorRef(Storage Storage, long Offset, long[] Shape, long[] Stride);

    public sealed class PyObject(Global type)
    {
        public Global Type { get; } = type;

        public PickleDict? State { get; set; }
    }

    public sealed class PickleDict
    {
        public List<KeyValuePair<object, object?>> Items { get; } = [];
    }

    private sealed class Mark;

    private static readonly Mark MarkObject = new();

    public static object? Load(byte[] data)
    {
        var stack = new List<object?>();
        var memo = new Dictionary<long, object?>();
        int pos = 0;

        byte Byte() => pos < data.Length ? data[pos++] : throw Truncated();
        ReadOnlySpan<byte> Bytes(long n)
        {
            if (n < 0 || n > data.Length - pos) throw Truncated();
            var span = data.AsSpan(pos, (int)n);
            pos += (int)n;
            return span;
        }
        string Line()
        {
            int end = Array.IndexOf(data, (byte)'\n', pos);
            if (end < 0) throw Truncated();
            var s = Encoding.UTF8.GetString(data, pos, end - pos);
            pos = end + 1;
            return s;
        }
        object? Pop()
        {
            if (stack.Count == 0) throw Bad("pops from an empty stack");
            var v = stack[^1];
            stack.RemoveAt(stack.Count - 1);
            return v;
        }
        object? Top() => stack.Count > 0 ? stack[^1] : throw Bad("reads from an empty stack");
        List<object?> PopToMark()
        {
            int mark = stack.FindLastIndex(v => ReferenceEquals(v, MarkObject));
            if (mark < 0) throw Bad("has no MARK for a tuple, list or dict");
            var items = stack.GetRange(mark + 1, stack.Count - mark - 1);
            stack.RemoveRange(mark, stack.Count - mark);
            return items;
        }
        void SetItems(object? target, List<object?> items)
        {
            if (target is not PickleDict dict || items.Count % 2 != 0) throw Bad("sets items on something that is not a dict");
            for (int i = 0; i < items.Count; i += 2)
            {
                dict.Items.Add(new(items[i] ?? throw Bad("uses None as a dict key"), items[i + 1]));
            }
        }

        while (true)
        {
            byte op = Byte();
            switch (op)
            {
                case 0x80: Byte(); break;                                                  // PROTO
                case (byte)'.': return stack.Count == 1 ? stack[0] : throw Bad("ends with a stack that is not one object");
                case (byte)'(': stack.Add(MarkObject); break;
                case (byte)')': stack.Add(Array.Empty<object?>()); break;
                case (byte)']': stack.Add(new List<object?>()); break;
                case (byte)'}': stack.Add(new PickleDict()); break;
                case (byte)'N': stack.Add(null); break;
                case 0x88: stack.Add(true); break;
                case 0x89: stack.Add(false); break;
                case (byte)'K': stack.Add((long)Byte()); break;
                case (byte)'M': stack.Add((long)BinaryPrimitives.ReadUInt16LittleEndian(Bytes(2))); break;
                case (byte)'J': stack.Add((long)BinaryPrimitives.ReadInt32LittleEndian(Bytes(4))); break;
                case 0x8A:                                                                  // LONG1
                {
                    var b = Bytes(Byte());
                    if (b.Length > 8) throw Bad("holds an integer wider than 64 bits");
                    long v = 0;
                    for (int i = b.Length - 1; i >= 0; i--) v = (v << 8) | b[i];
                    if (b.Length is > 0 and < 8 && (b[^1] & 0x80) != 0) v -= 1L << (8 * b.Length);
                    stack.Add(v);
                    break;
                }
                case (byte)'G': stack.Add(BinaryPrimitives.ReadDoubleBigEndian(Bytes(8))); break;
                case (byte)'X': stack.Add(Encoding.UTF8.GetString(Bytes(BinaryPrimitives.ReadUInt32LittleEndian(Bytes(4))))); break;
                case 0x8C: stack.Add(Encoding.UTF8.GetString(Bytes(Byte()))); break;      // SHORT_BINUNICODE
                case (byte)'c': stack.Add(new Global(Line(), Line())); break;
                case (byte)'q': memo[Byte()] = Top(); break;
                case (byte)'r': memo[BinaryPrimitives.ReadUInt32LittleEndian(Bytes(4))] = Top(); break;
                case (byte)'h': stack.Add(memo.TryGetValue(Byte(), out var m1) ? m1 : throw Bad("reads an unset memo entry")); break;
                case (byte)'j': stack.Add(memo.TryGetValue(BinaryPrimitives.ReadUInt32LittleEndian(Bytes(4)), out var m4) ? m4 : throw Bad("reads an unset memo entry")); break;
                case (byte)'t': stack.Add(PopToMark().ToArray()); break;
                case 0x85: stack.Add(new[] { Pop() }); break;
                case 0x86: { var b = Pop(); var a = Pop(); stack.Add(new[] { a, b }); break; }
                case 0x87: { var c = Pop(); var b = Pop(); var a = Pop(); stack.Add(new[] { a, b, c }); break; }
                case (byte)'a': { var v = Pop(); (Top() as List<object?> ?? throw Bad("appends to a non-list")).Add(v); break; }
                case (byte)'e': { var items = PopToMark(); (Top() as List<object?> ?? throw Bad("appends to a non-list")).AddRange(items); break; }
                case (byte)'s': { var v = Pop(); var k = Pop(); SetItems(Top(), [k, v]); break; }
                case (byte)'u': { var items = PopToMark(); SetItems(Top(), items); break; }
                case (byte)'Q': stack.Add(PersistentStorage(Pop())); break;
                case 0x81:                                                                  // NEWOBJ
                {
                    var args = Pop();
                    var cls = Pop() as Global ?? throw Bad("creates an object from something that is not a class");
                    if (!cls.Module.StartsWith("__torch__", StringComparison.Ordinal))
                    {
                        throw Bad($"creates an object of class '{cls.Module}.{cls.Name}', which is not a TorchScript module");
                    }
                    stack.Add(new PyObject(cls));
                    break;
                }
                case (byte)'R': { var args = Pop() as object?[]; var f = Pop() as Global; stack.Add(Reduce(f, args)); break; }
                case (byte)'b':                                                             // BUILD
                {
                    var state = Pop();
                    if (Top() is PyObject obj && state is PickleDict dict) obj.State = dict;
                    break;
                }
                default:
                    throw Bad($"uses pickle opcode 0x{op:X2} at byte {pos - 1}, which a TorchScript weight archive does not contain");
            }
        }
    }

    private static Storage PersistentStorage(object? pid)
    {
        if (pid is object?[] { Length: 5 } t && t[0] is "storage" && t[1] is Global type && t[2] is string key && t[4] is long numel && numel >= 0)
        {
            return new Storage(type.Name, key, numel);
        }
        throw Bad("has a persistent id that is not ('storage', type, key, location, numel)");
    }

    private static object? Reduce(Global? function, object?[]? args)
    {
        if (function is null || args is null) throw Bad("calls something that is not a global with an argument tuple");
        switch ($"{function.Module}.{function.Name}")
        {
            case "torch._utils._rebuild_tensor_v2":
                if (args.Length >= 4 && args[0] is Storage s && args[1] is long offset
                    && args[2] is object?[] shape && args[3] is object?[] stride
                    && shape.All(d => d is long) && stride.All(d => d is long) && shape.Length == stride.Length)
                {
                    return new TensorRef(s, offset, [.. shape.Cast<long>()], [.. stride.Cast<long>()]);
                }
                throw Bad("rebuilds a tensor with malformed arguments");
            case "collections.OrderedDict":
                return new PickleDict();
            default:
                throw Bad($"calls '{function.Module}.{function.Name}', which a TorchScript weight archive does not call");
        }
    }

    private static InvalidDataException Truncated() => Bad("ends early (truncated)");

    private static InvalidDataException Bad(string problem) => new($"the pickle {problem}");
}
