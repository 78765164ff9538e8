namespace VL2V.Distillation.Data;

/// <summary>
/// One batch from a <see cref="BatchLoader"/>. Its tensors are created on the thread that called
/// <see cref="BatchLoader.Next"/> and join that thread's current dispose scope, if any; otherwise dispose the batch.
/// </summary>
public sealed class DataBatch : IDisposable
{
    internal DataBatch(Tensor images, Tensor labels, Tensor domains, IReadOnlyList<SampleKey> keys, IReadOnlyList<SampleRef> samples)
    {
        Images = images;
        Labels = labels;
        Domains = domains;
        Keys = keys;
        Samples = samples;
    }

    /// <summary>images <c>[N,3,S,S]</c> float32, transformed and normalised.</summary>
    public Tensor Images { get; }

    /// <summary>labels <c>[N]</c> int64, class indices.</summary>
    public Tensor Labels { get; }

    /// <summary>domains <c>[N]</c> int64, each sample's domain position in the dataset.</summary>
    public Tensor Domains { get; }

    /// <summary>Each sample's stable identity, in batch order.</summary>
    public IReadOnlyList<SampleKey> Keys { get; }

    /// <summary>Which samples and views the batch holds, in batch order.</summary>
    public IReadOnlyList<SampleRef> Samples { get; }

    /// <summary>The number of samples N.</summary>
    public int Count => Samples.Count;

    /// <summary>Releases the tensors.</summary>
    public void Dispose()
    {
        Images.Dispose();
        Labels.Dispose();
        Domains.Dispose();
    }
}
