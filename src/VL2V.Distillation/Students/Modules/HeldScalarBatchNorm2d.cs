using TorchSharp.Modules;
using VL2V.Distillation.Internal;

namespace VL2V.Distillation.Students.Modules;

/// <summary>
/// <c>nn.BatchNorm2d</c> (same parameters, buffers, state-dict keys and maths) whose training-mode counter update
/// holds its scalars: TorchSharp's own increments <c>num_batches_tracked</c> with an implicit scalar that a collection
/// on another thread can free mid-call (see <see cref="HeldScalars"/>). Input and output <c>[B, C, H, W]</c>.
/// </summary>
internal sealed class HeldScalarBatchNorm2d : BatchNorm
{
    /// <param name="features">Channels C.</param>
    /// <param name="device">Where the parameters and buffers live; the default device when null.</param>
    public HeldScalarBatchNorm2d(long features, Device? device = null)
        : base(features, eps: 1e-5, momentum: 0.1, affine: true, track_running_stats: true, device: device, dtype: null, name: nameof(HeldScalarBatchNorm2d))
    {
    }

    public override Tensor forward(Tensor input)
    {
        ValidateInputDimensions(input);
        // Running statistics are always tracked (the constructor fixes it): batch statistics in training, running in eval.
        if (training) num_batches_tracked!.add_(HeldScalars.One, HeldScalars.One);
        return nn.functional.batch_norm(input, running_mean, running_var, weight, bias, training, momentum ?? 0.1, eps);
    }

    protected override void ValidateInputDimensions(Tensor input)
    {
        if (input.ndim != 4) throw new ArgumentException($"BatchNorm2d expects a [B, C, H, W] input, got rank {input.ndim}.", nameof(input));
    }
}
