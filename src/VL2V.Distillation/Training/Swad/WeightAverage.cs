using VL2V.Distillation.Internal;
namespace VL2V.Distillation.Training.Swad;

/// <summary>
/// A running uniform average of a model's parameters over consecutive training steps or over other averages
/// (SWA's <c>AveragedModel</c> as SWAD uses it), kept as detached copies.
/// </summary>
/// <remarks>
/// Semantics follow SWAD's <c>swa_utils.AveragedModel</c>: the first <see cref="Update(WeightAverage)"/> replaces
/// the initial weights, later ones compute <c>avg + (x - avg) / (n + 1)</c>. Averaging averages weights each one
/// equally (not by how many steps it holds). Only parameters are averaged; buffers such as BatchNorm statistics are
/// refreshed afterwards. Not thread-safe. Dispose to free the copies.
/// </remarks>
internal sealed class WeightAverage : IDisposable
{
    private readonly Dictionary<string, Tensor> _weights;

    private WeightAverage(Dictionary<string, Tensor> weights, long count, int startStep, int endStep)
    {
        _weights = weights;
        Count = count;
        StartStep = startStep;
        EndStep = endStep;
    }

    /// <summary>How many weights were averaged (SWA's <c>n_averaged</c>).</summary>
    public long Count { get; private set; }

    /// <summary>The first step in the average, or -1.</summary>
    public int StartStep { get; private set; }

    /// <summary>The last step in the average, or -1.</summary>
    public int EndStep { get; private set; }

    /// <summary>The averaged parameters by state-dict name (detached, owned by this object).</summary>
    public IReadOnlyDictionary<string, Tensor> Weights => _weights;

    /// <summary>Starts an average whose initial weights are a copy of <paramref name="parameters"/>, with <see cref="Count"/> 0.</summary>
    public static WeightAverage StartFrom(IEnumerable<(string Name, Tensor Value)> parameters, Device? storage = null)
    {
        var copies = new Dictionary<string, Tensor>();
        // The scope frees the detach/to temporaries; the copies are detached from it and owned by the average.
        using (var scope = torch.NewDisposeScope())
        using (torch.no_grad())
        {
            foreach (var (name, value) in parameters)
            {
                copies[name] = value.detach().to(storage ?? value.device).clone().DetachFromDisposeScope();
            }
        }
        return new WeightAverage(copies, 0, -1, -1);
    }

    /// <summary>Adds the current weights of a model (one training step).</summary>
    public void Update(IEnumerable<(string Name, Tensor Value)> parameters, int step) =>
        Accumulate(parameters, step, step);

    /// <summary>Adds another average as one element (how LossValley combines segment averages).</summary>
    public void Update(WeightAverage segment) =>
        Accumulate(segment._weights.Select(kv => (kv.Key, kv.Value)), segment.StartStep, segment.EndStep);

    /// <summary>An independent copy.</summary>
    public WeightAverage Clone()
    {
        var copies = new Dictionary<string, Tensor>();
        foreach (var (name, value) in _weights) copies[name] = value.clone().DetachFromDisposeScope();
        return new WeightAverage(copies, Count, StartStep, EndStep);
    }

    /// <summary>
    /// Copies the averaged weights into the model's parameters of the same names. Parameters that were not averaged
    /// (frozen ones, which never changed) are left as they are.
    /// </summary>
    /// <exception cref="InvalidOperationException">An averaged name is not a parameter of the model.</exception>
    public void CopyTo(nn.Module model)
    {
        using var scope = torch.NewDisposeScope();
        using var noGrad = torch.no_grad();
        var parameters = model.named_parameters().ToDictionary(p => p.name, p => p.parameter);
        foreach (var (name, value) in _weights)
        {
            if (!parameters.TryGetValue(name, out var parameter))
                throw new InvalidOperationException($"The model has no parameter '{name}'; the weight average was taken from a different model.");
            parameter.copy_(value);
        }
    }

    /// <summary>The weights under <c>prefix + name</c>, for saving in a checkpoint.</summary>
    public IEnumerable<KeyValuePair<string, Tensor>> Export(string prefix) =>
        _weights.Select(kv => new KeyValuePair<string, Tensor>(prefix + kv.Key, kv.Value));

    /// <summary>Rebuilds an average saved with <see cref="Export"/>; the tensors are copied.</summary>
    public static WeightAverage Import(IReadOnlyDictionary<string, Tensor> tensors, string prefix, long count, int startStep, int endStep)
    {
        var weights = new Dictionary<string, Tensor>();
        using var scope = torch.NewDisposeScope();
        foreach (var (name, value) in tensors)
        {
            if (name.StartsWith(prefix, StringComparison.Ordinal))
                weights[name[prefix.Length..]] = value.detach().clone().DetachFromDisposeScope();
        }
        return new WeightAverage(weights, count, startStep, endStep);
    }

    /// <summary>Forgets the count and steps but keeps the weights (SWA's <c>AveragedModel(model)</c> of an average).</summary>
    public void ResetCount()
    {
        Count = 0;
        StartStep = -1;
        EndStep = -1;
    }

    public void Dispose()
    {
        foreach (var value in _weights.Values) value.Dispose();
        _weights.Clear();
    }

    private void Accumulate(IEnumerable<(string Name, Tensor Value)> parameters, int startStep, int endStep)
    {
        using (var scope = torch.NewDisposeScope())
        using (torch.no_grad())
        {
            foreach (var (name, value) in parameters)
            {
                if (!_weights.TryGetValue(name, out var average))
                    throw new InvalidOperationException($"Parameter '{name}' is not part of this weight average; average one model only.");
                var x = value.detach().to(average.device);
                if (Count == 0) average.copy_(x);
                else average.add_((x - average).DividedBy(Count + 1), HeldScalars.One);
            }
        }
        Count++;
        if (Count == 1) StartStep = startStep;
        EndStep = endStep;
    }
}
