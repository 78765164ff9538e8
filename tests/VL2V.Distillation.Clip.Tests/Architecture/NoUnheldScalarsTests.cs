using System.Reflection;
using System.Reflection.Emit;
using FluentAssertions;
using VL2V.Distillation.Clip;
using Xunit;

namespace VL2V.Distillation.Clip.Tests.Architecture;

/// <summary>
/// TorchSharp 0.107 frees implicit <see cref="Scalar"/>s (from <c>a + b</c>, <c>x * 2.0</c>, default <c>alpha</c>s)
/// while libtorch may still read them when a collection runs on another thread (docs/troubleshooting.md). The library
/// routes all such arithmetic through <c>HeldScalars</c> and its own <c>AdamOptimizer</c>; this test reads the compiled
/// IL of both library assemblies and fails on any method that converts a number to a <see cref="Scalar"/> or calls a
/// TorchSharp method that does so internally (found by reading TorchSharp's own IL, a few calls deep).
/// </summary>
public sealed class NoUnheldScalarsTests
{
    // Types that create scalars on purpose and hold them until the native call returned.
    private static readonly HashSet<string> Holders = ["VL2V.Distillation.Internal.HeldScalars"];

    [Fact]
    public void Library_code_passes_no_implicit_scalar_to_torchsharp()
    {
        var scanner = new ScalarScanner(typeof(Scalar).Assembly);
        var offenders = new List<string>();
        foreach (var assembly in new[] { typeof(ITeacher).Assembly, typeof(ClipTeacher).Assembly })
        {
            foreach (var type in assembly.GetTypes())
            {
                if (Holders.Contains(type.FullName!)) continue;
                foreach (var method in ScalarScanner.DeclaredMethods(type))
                {
                    var bad = scanner.ScalarCreatingCalls(method).ToList();
                    if (bad.Count > 0) offenders.Add($"{type.FullName}.{method.Name}: {string.Join(", ", bad.Distinct())}");
                }
            }
        }
        offenders.Should().BeEmpty("library code must use HeldScalars (Plus, Times, DividedBy, ...) instead of operators with numbers or tensor + tensor");
    }

    [Fact]
    public void The_scanner_recognises_the_operators_that_create_scalars()
    {
        // The check above is only as good as its recognition of TorchSharp's scalar-creating methods.
        var scanner = new ScalarScanner(typeof(Scalar).Assembly);
        var method = typeof(NoUnheldScalarsTests).GetMethod(nameof(ImplicitScalars), BindingFlags.NonPublic | BindingFlags.Static)!;
        scanner.ScalarCreatingCalls(method).Should().Contain(["Tensor.op_Addition", "Tensor.op_Multiply", "Scalar.op_Implicit"]);
        var module = typeof(NoUnheldScalarsTests).GetMethod(nameof(ExposedModule), BindingFlags.NonPublic | BindingFlags.Static)!;
        scanner.ScalarCreatingCalls(module).Should().Contain("nn.BatchNorm2d", "its training-mode forward counts batches with an implicit scalar");
        var clean = typeof(NoUnheldScalarsTests).GetMethod(nameof(TensorOnly), BindingFlags.NonPublic | BindingFlags.Static)!;
        scanner.ScalarCreatingCalls(clean).Should().BeEmpty("tensor - tensor and tensor * tensor create no scalar");
    }

    private static Tensor ImplicitScalars(Tensor a, Tensor b) => (a + b) * 2.0 + a.gt(0);

    private static Tensor TensorOnly(Tensor a, Tensor b) => (a - b) * b;

    private static nn.Module<Tensor, Tensor> ExposedModule() => nn.BatchNorm2d(4);

    private sealed class ScalarScanner(Assembly torchSharp)
    {
        private static readonly Dictionary<short, OpCode> OpCodesByValue = typeof(OpCodes)
            .GetFields(BindingFlags.Public | BindingFlags.Static).Select(f => (OpCode)f.GetValue(null)!).ToDictionary(o => o.Value);

        private readonly Dictionary<MethodBase, bool> _creates = [];

        public static IEnumerable<MethodBase> DeclaredMethods(Type type)
        {
            const BindingFlags all = BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Instance | BindingFlags.Static | BindingFlags.DeclaredOnly;
            return type.GetMethods(all).Cast<MethodBase>().Concat(type.GetConstructors(all));
        }

        /// <summary>
        /// Names of the calls in <paramref name="method"/> that create an unheld scalar, or that build a TorchSharp
        /// module whose <c>forward</c> creates one (e.g. <c>nn.BatchNorm2d</c>, which counts training batches so).
        /// </summary>
        public IEnumerable<string> ScalarCreatingCalls(MethodBase method) =>
            Calls(method).Where(c => IsConversion(c) || (c.Module.Assembly == torchSharp && (Creates(c, 0) || BuildsExposedModule(method, c))))
                         .Select(c => $"{c.DeclaringType?.Name}.{c.Name}");

        private bool BuildsExposedModule(MethodBase caller, MethodBase call)
        {
            // base(...) from a subclass builds the subclass, whose own forward is scanned as library code.
            if (call is ConstructorInfo && caller is ConstructorInfo && caller.DeclaringType!.IsSubclassOf(call.DeclaringType!)) return false;
            var built = call is ConstructorInfo ? call.DeclaringType : (call as MethodInfo)?.ReturnType;
            if (built is null || !typeof(nn.Module).IsAssignableFrom(built)) return false;
            var forward = built.GetMethod("forward", BindingFlags.Public | BindingFlags.Instance, [typeof(Tensor)]);
            return forward is not null && forward.Module.Assembly == torchSharp && Creates(forward, 0);
        }

        private static bool IsConversion(MethodBase m) => m.DeclaringType == typeof(Scalar) && m.Name == "op_Implicit";

        private bool Creates(MethodBase m, int depth)
        {
            if (IsConversion(m) || (m.DeclaringType == typeof(Scalar) && m.Name.StartsWith("ToScalar", StringComparison.Ordinal))) return true;
            if (m.Module.Assembly != torchSharp || depth > 6) return false;
            if (_creates.TryGetValue(m, out var known)) return known;
            _creates[m] = false;                                           // breaks recursion cycles
            return _creates[m] = Calls(m).Any(c => Creates(c, depth + 1));
        }

        private static IEnumerable<MethodBase> Calls(MethodBase method)
        {
            byte[]? il;
            try
            {
                il = method.GetMethodBody()?.GetILAsByteArray();
            }
            catch (Exception e) when (e is InvalidOperationException or NotSupportedException or BadImageFormatException)
            {
                yield break;
            }
            if (il is null) yield break;
            for (int i = 0; i < il.Length;)
            {
                var op = il[i] == 0xFE ? OpCodesByValue[(short)(0xFE00 | il[i + 1])] : OpCodesByValue[il[i]];
                i += op.Size;
                if (op.OperandType == OperandType.InlineMethod)
                {
                    MethodBase? target = null;
                    try
                    {
                        target = method.Module.ResolveMethod(BitConverter.ToInt32(il, i),
                            method.DeclaringType is { IsGenericType: true } t ? t.GetGenericArguments() : null,
                            method.IsGenericMethod ? method.GetGenericArguments() : null);
                    }
                    catch (Exception e) when (e is ArgumentException or BadImageFormatException or MissingMethodException or TypeLoadException)
                    {
                    }
                    if (target is not null) yield return target;
                }
                i += op.OperandType switch
                {
                    OperandType.InlineNone => 0,
                    OperandType.ShortInlineBrTarget or OperandType.ShortInlineI or OperandType.ShortInlineVar => 1,
                    OperandType.InlineVar => 2,
                    OperandType.InlineI8 or OperandType.InlineR => 8,
                    OperandType.InlineSwitch => 4 + 4 * BitConverter.ToInt32(il, i),
                    _ => 4,
                };
            }
        }
    }
}
