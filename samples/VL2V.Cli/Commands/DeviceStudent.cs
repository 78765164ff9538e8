using TorchSharp.Modules;
using VL2V.Distillation;
using VL2V.Distillation.Students;

namespace VL2V.Cli.Commands;

/// <summary>
/// Runs a <see cref="Student"/> on an accelerator for a trainer that keeps its batches on the CPU: images go to the
/// device, outputs come back to the CPU (small <c>[B, D]</c> tensors), so losses and labels stay where the trainer has them.
/// </summary>
/// <remarks>The state dict is the inner student's, without a prefix, so <c>student.safetensors</c> has the same keys as a CPU run.</remarks>
internal sealed class DeviceStudent : nn.Module<Tensor, StudentOutput>, IStudent
{
    private readonly Student inner;
    private readonly Device _device;

    public DeviceStudent(Student student, Device device) : base(nameof(DeviceStudent))
    {
        inner = student;
        _device = device;
        RegisterComponents();
        inner.to(device);
    }

    public long FeatureDim => inner.FeatureDim;

    public long EmbeddingDim => inner.EmbeddingDim;

    public int? NumClasses => inner.NumClasses;

    public IReadOnlyList<StudentPart> Parts => inner.Parts;

    public bool FreezeBatchNormStatistics
    {
        get => inner.FreezeBatchNormStatistics;
        set => inner.FreezeBatchNormStatistics = value;
    }

    public IEnumerable<Parameter> PartParameters(StudentPart part) => inner.PartParameters(part);

    public override void train(bool train = true)
    {
        base.train(train);
        inner.train(train);
    }

    public override Dictionary<string, Tensor> state_dict(Dictionary<string, Tensor>? destination = null, string? prefix = null) =>
        inner.state_dict(destination, prefix);

    /// <summary>images <c>[B, 3, H, W]</c> float32 on any device → outputs on the CPU.</summary>
    public override StudentOutput forward(Tensor images)
    {
        var output = inner.call(images.to(_device));
        return new StudentOutput(output.Embedding.cpu(), output.Logits?.cpu(), output.Features?.cpu());
    }
}
