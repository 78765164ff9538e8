using TorchSharp.Modules;

namespace VL2V.Distillation.Students;

/// <summary>
/// Runs a <see cref="Student"/> on an accelerator (e.g. <c>torch.CUDA</c>) under <see cref="Training.DistillationTrainer"/>,
/// which keeps its batches, labels and losses on the CPU: images go to the device, the outputs come back to the CPU.
/// </summary>
/// <remarks>
/// <para>Construction moves the student's parameters and buffers to the device; the optimizer, SWAD averages and
/// best-checkpoint copies then live there too. Only the <c>[B, D]</c> embeddings and <c>[B, C]</c> logits cross back
/// per step. Wrap the teacher with <see cref="Teachers.DeviceTeacher"/> (load it on the same device).</para>
/// <para>The state dict is the inner student's, without a prefix, so checkpoints and <c>student.safetensors</c> have
/// the same keys as a CPU run. Disposing disposes the inner student. Not run on a GPU by the project yet (no CUDA
/// build of TorchSharp was available); on the CPU device it is tested to train exactly like the bare student.</para>
/// </remarks>
public sealed class DeviceStudent : nn.Module<Tensor, StudentOutput>, IStudent
{
    private readonly Student inner;
    private readonly Device _device;

    /// <summary>Moves <paramref name="student"/> to <paramref name="device"/> and wraps it.</summary>
    /// <param name="student">The student; owned by the wrapper from now on.</param>
    /// <param name="device">Where it runs, e.g. <c>torch.CUDA</c> or <c>new Device("cuda:1")</c>.</param>
    public DeviceStudent(Student student, Device device) : base(nameof(DeviceStudent))
    {
        ArgumentNullException.ThrowIfNull(student);
        ArgumentNullException.ThrowIfNull(device);
        inner = student;
        _device = device;
        RegisterComponents();
        inner.to(device);
    }

    /// <summary>The wrapped student.</summary>
    public Student Inner => inner;

    /// <inheritdoc />
    public long FeatureDim => inner.FeatureDim;

    /// <inheritdoc />
    public long EmbeddingDim => inner.EmbeddingDim;

    /// <inheritdoc />
    public int? NumClasses => inner.NumClasses;

    /// <inheritdoc />
    public IReadOnlyList<StudentPart> Parts => inner.Parts;

    /// <inheritdoc />
    public bool FreezeBatchNormStatistics
    {
        get => inner.FreezeBatchNormStatistics;
        set => inner.FreezeBatchNormStatistics = value;
    }

    /// <inheritdoc />
    public IEnumerable<Parameter> PartParameters(StudentPart part) => inner.PartParameters(part);

    /// <inheritdoc />
    public override void train(bool train = true)
    {
        base.train(train);
        inner.train(train);
    }

    /// <inheritdoc />
    public override Dictionary<string, Tensor> state_dict(Dictionary<string, Tensor>? destination = null, string? prefix = null) =>
        inner.state_dict(destination, prefix);

    /// <summary>Runs the student on its device.</summary>
    /// <param name="images">Images <c>[B, 3, H, W]</c> float32 on any device.</param>
    /// <returns>The outputs (embedding <c>[B, D]</c>, logits <c>[B, C]</c>, features <c>[B, F]</c>, float32) on the CPU.</returns>
    public override StudentOutput forward(Tensor images)
    {
        var output = inner.call(images.to(_device));
        return new StudentOutput(output.Embedding.cpu(), output.Logits?.cpu(), output.Features?.cpu());
    }
}
