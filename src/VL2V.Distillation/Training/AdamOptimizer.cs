using TorchSharp.Modules;
using VL2V.Distillation.Internal;

namespace VL2V.Distillation.Training;

/// <summary>
/// Adam (Kingma &amp; Ba 2015) with PyTorch's <c>torch.optim.Adam</c> semantics, or AdamW (Loshchilov &amp; Hutter 2019)
/// with decoupled weight decay, computing the same values as TorchSharp's <c>torch.optim.Adam</c>/<c>AdamW</c>.
/// </summary>
/// <remarks>
/// <para>Why not TorchSharp's optimizers: they pass about seven implicit <see cref="Scalar"/>s per parameter and step
/// to libtorch, and TorchSharp 0.107 does not keep those alive during the native call (see <see cref="HeldScalars"/>);
/// over thousands of steps a collection at the wrong moment crashed training. Here every scalar is held until the
/// call returns.</para>
/// <para>Per parameter <c>p</c> with gradient <c>g</c> at step <c>t</c> (1-based):
/// Adam: <c>g ← g + λ·p</c>; AdamW: <c>p ← p·(1 − lr·λ)</c>; then <c>m ← β1·m + (1 − β1)·g</c>,
/// <c>v ← β2·v + (1 − β2)·g²</c>, <c>p ← p − lr/(1 − β1^t) · m / (√v / √(1 − β2^t) + ε)</c>.
/// Parameters without a gradient are skipped (their step count does not advance).</para>
/// </remarks>
internal sealed class AdamOptimizer : IDisposable
{
    private const string Magic = "vl2v-adam/1";
    private readonly List<(Parameter Parameter, double WeightDecay, State State)> _entries = [];
    private readonly double _beta1, _beta2, _eps;
    private readonly bool _decoupled;
    private bool _disposed;

    /// <summary>Creates the optimizer with zero moments for every parameter.</summary>
    /// <param name="groups">Parameters with their weight decay λ (≥ 0).</param>
    /// <param name="learningRate">The initial learning rate (&gt; 0); <see cref="LearningRate"/> may change it between steps.</param>
    /// <param name="beta1">β1 in [0, 1).</param>
    /// <param name="beta2">β2 in [0, 1).</param>
    /// <param name="eps">ε ≥ 0.</param>
    /// <param name="decoupledWeightDecay"><see langword="true"/> for AdamW, <see langword="false"/> for Adam's L2 penalty.</param>
    public AdamOptimizer(IEnumerable<(IEnumerable<Parameter> Parameters, double WeightDecay)> groups, double learningRate,
                         double beta1, double beta2, double eps, bool decoupledWeightDecay)
    {
        ArgumentNullException.ThrowIfNull(groups);
        if (!(learningRate >= 0) || double.IsInfinity(learningRate)) throw new ArgumentOutOfRangeException(nameof(learningRate), learningRate, "The learning rate must be ≥ 0 and finite.");
        if (!(beta1 >= 0 && beta1 < 1)) throw new ArgumentOutOfRangeException(nameof(beta1), beta1, "β1 must be in [0, 1).");
        if (!(beta2 >= 0 && beta2 < 1)) throw new ArgumentOutOfRangeException(nameof(beta2), beta2, "β2 must be in [0, 1).");
        if (!(eps >= 0)) throw new ArgumentOutOfRangeException(nameof(eps), eps, "ε must be ≥ 0.");
        LearningRate = learningRate;
        _beta1 = beta1;
        _beta2 = beta2;
        _eps = eps;
        _decoupled = decoupledWeightDecay;
        foreach (var (parameters, weightDecay) in groups)
        {
            if (!(weightDecay >= 0) || double.IsInfinity(weightDecay)) throw new ArgumentOutOfRangeException(nameof(groups), weightDecay, "Weight decay must be ≥ 0 and finite.");
            foreach (var p in parameters)
            {
                _entries.Add((p, weightDecay, new State(torch.zeros_like(p).DetachFromDisposeScope(), torch.zeros_like(p).DetachFromDisposeScope())));
            }
        }
    }

    /// <summary>The learning rate of the next <see cref="Step"/>.</summary>
    public double LearningRate { get; set; }

    /// <summary>Zeroes the gradients of all parameters (those that have one).</summary>
    public void ZeroGrad()
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        using var scope = torch.NewDisposeScope();
        foreach (var (p, _, _) in _entries) p.grad?.zero_();
    }

    /// <summary>Applies one update to every parameter that has a gradient.</summary>
    public void Step()
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        using var scope = torch.NewDisposeScope();
        using var _ = torch.no_grad();
        double lr = LearningRate;
        using Scalar oneMinusBeta1 = (1 - _beta1).ToScalar(), oneMinusBeta2 = (1 - _beta2).ToScalar(),
                     beta1 = _beta1.ToScalar(), beta2 = _beta2.ToScalar(), eps = _eps.ToScalar();
        foreach (var (p, weightDecay, state) in _entries)
        {
            var grad = p.grad;
            if (grad is null) continue;
            state.Step++;
            double biasCorrection1 = 1 - Math.Pow(_beta1, state.Step), biasCorrection2 = 1 - Math.Pow(_beta2, state.Step);
            if (weightDecay != 0)
            {
                if (_decoupled)
                {
                    using var shrink = (1 - lr * weightDecay).ToScalar();
                    p.mul_(shrink);
                }
                else
                {
                    using var decay = weightDecay.ToScalar();
                    grad = grad.add(p, decay);
                }
            }
            state.Mean.mul_(beta1).add_(grad, oneMinusBeta1);
            state.SquaredMean.mul_(beta2).addcmul_(grad, grad, oneMinusBeta2);
            using Scalar correction = Math.Sqrt(biasCorrection2).ToScalar(), stepSize = (-lr / biasCorrection1).ToScalar();
            var denominator = state.SquaredMean.sqrt().div_(correction).add_(eps, HeldScalars.One);
            p.addcdiv_(state.Mean, denominator, stepSize);
        }
    }

    /// <summary>Writes the step counts and moments (in parameter order).</summary>
    /// <param name="writer">The destination.</param>
    public void Save(BinaryWriter writer)
    {
        ArgumentNullException.ThrowIfNull(writer);
        ObjectDisposedException.ThrowIf(_disposed, this);
        writer.Write(Magic);
        writer.Write(_entries.Count);
        foreach (var (_, _, state) in _entries)
        {
            writer.Write(state.Step);
            state.Mean.Save(writer);
            state.SquaredMean.Save(writer);
        }
    }

    /// <summary>Reads what <see cref="Save"/> wrote for the same parameters.</summary>
    /// <param name="reader">The source.</param>
    /// <param name="source">Names the source in error messages.</param>
    /// <exception cref="InvalidDataException">The data is not an optimizer state of this format or of these parameters.</exception>
    public void Load(BinaryReader reader, string source)
    {
        ArgumentNullException.ThrowIfNull(reader);
        ObjectDisposedException.ThrowIf(_disposed, this);
        string magic;
        int count;
        try
        {
            magic = reader.ReadString();
            count = reader.ReadInt32();
        }
        catch (EndOfStreamException e)
        {
            throw new InvalidDataException($"'{source}' is not an optimizer state of format '{Magic}' (it ends early).", e);
        }
        if (magic != Magic || count != _entries.Count)
            throw new InvalidDataException($"'{source}' holds an optimizer state of format '{magic}' for {count} parameters, but this run expects " +
                                           $"'{Magic}' for {_entries.Count}; delete the checkpoint folder to start the run afresh.");
        foreach (var (_, _, state) in _entries)
        {
            state.Step = reader.ReadInt64();
            state.Mean.Load(reader);
            state.SquaredMean.Load(reader);
        }
    }

    /// <inheritdoc />
    public void Dispose()
    {
        if (_disposed) return;
        _disposed = true;
        foreach (var (_, _, state) in _entries)
        {
            state.Mean.Dispose();
            state.SquaredMean.Dispose();
        }
    }

    private sealed class State(Tensor mean, Tensor squaredMean)
    {
        public long Step { get; set; }

        public Tensor Mean { get; } = mean;

        public Tensor SquaredMean { get; } = squaredMean;
    }
}
