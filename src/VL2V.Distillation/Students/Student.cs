using TorchSharp.Modules;
using VL2V.Distillation.Internal;

namespace VL2V.Distillation.Students;

/// <summary>
/// A student image model: backbone <c>f</c> → projection head <c>PF</c> → embedding in the teacher's space, plus an
/// optional linear classifier on the features. Call it with images <c>[B, 3, H, W]</c> float32.
/// </summary>
/// <remarks>
/// <para>Forward: <c>features = f(x)</c> <c>[B, F]</c>; <c>Embedding = PF(features)</c> <c>[B, D]</c> (not
/// normalised); <c>Logits = classifier(features)</c> <c>[B, C]</c> when <see cref="NumClasses"/> is set. The head is
/// the paper's <c>PF</c>: one <c>nn.Linear(F, D)</c> with bias, no activation, PyTorch's default initialisation
/// (official code: <c>proj_lyr</c>). The classifier is one <c>nn.Linear(F, C)</c> for the ERM and KD baselines.</para>
/// <para>Without a head (<c>embeddingDim: null</c>) the features are the embedding: for a backbone whose output is
/// already in the teacher's space, such as the CLIP image encoder of VL2V-SD.</para>
/// <para>State-dict keys: <c>backbone.*</c> (the backbone's own names), <c>head.weight</c> <c>[D, F]</c>,
/// <c>head.bias</c>, <c>classifier.weight</c> <c>[C, F]</c>, <c>classifier.bias</c>.</para>
/// <para>Training stages pick parameter groups with <see cref="PartParameters"/> and freeze the rest by setting
/// <c>requires_grad = false</c> (Stage 1 trains <see cref="StudentPart.Head"/>, Stage 2
/// <see cref="StudentPart.Backbone"/>). Not thread-safe; dispose it when done.</para>
/// </remarks>
public sealed class Student : nn.Module<Tensor, StudentOutput>, IStudent
{
    private readonly StudentBackbone backbone;
    private readonly Linear? head;
    private readonly Linear? classifier;
    private bool _freezeBatchNormStatistics;

    /// <summary>Composes a student from a backbone, an optional projection head and an optional classifier.</summary>
    /// <param name="backbone">The feature extractor; the student owns and disposes it.</param>
    /// <param name="embeddingDim">
    /// The teacher's embedding size <c>D</c> (512 for CLIP ViT-B/16); adds the projection head <c>F → D</c>. Null: no
    /// head, the backbone's features are the embedding (<c>D = F</c>).
    /// </param>
    /// <param name="numClasses">Adds a linear classifier <c>F → C</c> on the features; null for none.</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="embeddingDim"/> or <paramref name="numClasses"/> is less than 1.</exception>
    public Student(StudentBackbone backbone, long? embeddingDim, int? numClasses = null) : base(nameof(Student))
    {
        ArgumentNullException.ThrowIfNull(backbone);
        if (embeddingDim is { } d) ArgumentOutOfRangeException.ThrowIfLessThan(d, 1, nameof(embeddingDim));
        if (numClasses is { } c) ArgumentOutOfRangeException.ThrowIfLessThan(c, 1, nameof(numClasses));
        this.backbone = backbone;
        head = embeddingDim is { } dim ? nn.Linear(backbone.FeatureDim, dim) : null;
        classifier = numClasses is { } classes ? nn.Linear(backbone.FeatureDim, classes) : null;
        NumClasses = numClasses;
        EmbeddingDim = embeddingDim ?? backbone.FeatureDim;
        var parts = new List<StudentPart> { StudentPart.Backbone };
        if (head is not null) parts.Add(StudentPart.Head);
        if (classifier is not null) parts.Add(StudentPart.Classifier);
        Parts = parts.AsReadOnly();
        RegisterComponents();
    }

    /// <summary>ResNet-18 student (512-d features) from torchvision.</summary>
    /// <param name="embeddingDim">Teacher embedding size <c>D</c> for the projection head, or null for no head.</param>
    /// <param name="numClasses">Classifier outputs, or null for no classifier.</param>
    /// <param name="weights">Optional torchvision ResNet-18 state-dict file (ImageNet weights); see <see cref="ResNetBackbone.LoadWeights"/>.</param>
    public static Student ResNet18(long? embeddingDim, int? numClasses = null, string? weights = null) =>
        Create(ResNetBackbone.ResNet18(), embeddingDim, numClasses, weights);

    /// <summary>ResNet-50 student (2048-d features) from torchvision, the paper's <c>rn50</c>.</summary>
    /// <remarks>The official code keeps BatchNorm statistics frozen for it: set <see cref="FreezeBatchNormStatistics"/>.</remarks>
    /// <param name="embeddingDim">Teacher embedding size <c>D</c> for the projection head, or null for no head.</param>
    /// <param name="numClasses">Classifier outputs, or null for no classifier.</param>
    /// <param name="weights">Optional torchvision ResNet-50 state-dict file (ImageNet weights); see <see cref="ResNetBackbone.LoadWeights"/>.</param>
    public static Student ResNet50(long? embeddingDim, int? numClasses = null, string? weights = null) =>
        Create(ResNetBackbone.ResNet50(), embeddingDim, numClasses, weights);

    /// <summary>ViT-B/16 student (768-d class-token features), the paper's <c>vitb</c>.</summary>
    /// <param name="embeddingDim">Teacher embedding size <c>D</c> for the projection head, or null for no head.</param>
    /// <param name="numClasses">Classifier outputs, or null for no classifier.</param>
    /// <param name="weights">Optional timm or torchvision ViT-B/16 state-dict file; see <see cref="VisionTransformerBackbone.LoadWeights"/>.</param>
    /// <param name="imageSize">Input size; 224 for ImageNet weights.</param>
    public static Student VitB16(long? embeddingDim, int? numClasses = null, string? weights = null, int imageSize = 224) =>
        Create(VisionTransformerBackbone.VitB16(imageSize), embeddingDim, numClasses, weights);

    /// <summary>ViT-S/16 student (384-d class-token features), the paper's <c>vits</c>.</summary>
    /// <param name="embeddingDim">Teacher embedding size <c>D</c> for the projection head, or null for no head.</param>
    /// <param name="numClasses">Classifier outputs, or null for no classifier.</param>
    /// <param name="weights">Optional timm or torchvision ViT-S/16 state-dict file; see <see cref="VisionTransformerBackbone.LoadWeights"/>.</param>
    /// <param name="imageSize">Input size; 224 for ImageNet weights.</param>
    public static Student VitS16(long? embeddingDim, int? numClasses = null, string? weights = null, int imageSize = 224) =>
        Create(VisionTransformerBackbone.VitS16(imageSize), embeddingDim, numClasses, weights);

    /// <summary>DeiT-S/16 distilled student (384-d: mean of class and distillation tokens), the paper's <c>deits</c>.</summary>
    /// <param name="embeddingDim">Teacher embedding size <c>D</c> for the projection head, or null for no head.</param>
    /// <param name="numClasses">Classifier outputs, or null for no classifier.</param>
    /// <param name="weights">Optional timm <c>deit_small_distilled_patch16_224</c> state-dict file; see <see cref="VisionTransformerBackbone.LoadWeights"/>.</param>
    /// <param name="imageSize">Input size; 224 for ImageNet weights.</param>
    public static Student DeitS16Distilled(long? embeddingDim, int? numClasses = null, string? weights = null, int imageSize = 224) =>
        Create(VisionTransformerBackbone.DeitS16Distilled(imageSize), embeddingDim, numClasses, weights);

    /// <summary>Small-CNN student (<c>8·width</c>-d features) for 32–64 px images on a CPU; randomly initialised unless weights are given.</summary>
    /// <param name="embeddingDim">Teacher embedding size <c>D</c> for the projection head, or null for no head.</param>
    /// <param name="numClasses">Classifier outputs, or null for no classifier.</param>
    /// <param name="width">Channels of the first stage; see <see cref="SmallCnnBackbone"/>.</param>
    /// <param name="weights">Optional backbone state-dict file (<c>stages.*</c> keys), e.g. from
    /// <see cref="Data.Synthetic.SynthDGBackbonePretraining.GetOrTrain"/>.</param>
    public static Student SmallCnn(long? embeddingDim, int? numClasses = null, int width = 32, string? weights = null) =>
        Create(new SmallCnnBackbone(width), embeddingDim, numClasses, weights);

    /// <summary>The feature extractor.</summary>
    public StudentBackbone Backbone => backbone;

    /// <inheritdoc />
    public long FeatureDim => backbone.FeatureDim;

    /// <inheritdoc />
    public long EmbeddingDim { get; }

    /// <inheritdoc />
    public int? NumClasses { get; }

    /// <inheritdoc />
    /// <value><see cref="StudentPart.Backbone"/>, then <see cref="StudentPart.Head"/> and <see cref="StudentPart.Classifier"/> when present.</value>
    public IReadOnlyList<StudentPart> Parts { get; }

    /// <inheritdoc />
    /// <remarks>
    /// Takes effect at once and survives later <c>train()</c>/<c>eval()</c> calls: every BatchNorm module stays in
    /// evaluation mode while this is true. The default is false.
    /// </remarks>
    public bool FreezeBatchNormStatistics
    {
        get => _freezeBatchNormStatistics;
        set
        {
            _freezeBatchNormStatistics = value;
            train(training);
        }
    }

    /// <inheritdoc />
    public IEnumerable<Parameter> PartParameters(StudentPart part)
    {
        nn.Module? module = part switch
        {
            StudentPart.Backbone => backbone,
            StudentPart.Head => head,
            StudentPart.Classifier => classifier,
            _ => null,
        };
        if (module is null)
        {
            throw new ArgumentException(
                $"This student has no {part} part; its parts are {string.Join(", ", Parts)}. " +
                (part == StudentPart.Head ? "Create it with an embeddingDim to add a projection head." :
                 part == StudentPart.Classifier ? "Create it with numClasses to add a classifier." : ""),
                nameof(part));
        }
        return module.parameters();
    }

    /// <summary>Switches training mode; BatchNorm layers stay in evaluation mode while <see cref="FreezeBatchNormStatistics"/> is set.</summary>
    /// <param name="train">True for training mode, false for evaluation mode.</param>
    public override void train(bool train = true)
    {
        base.train(train);
        if (train && _freezeBatchNormStatistics)
        {
            foreach (var batchNorm in modules().OfType<BatchNorm>()) batchNorm.eval();
        }
    }

    /// <summary>Computes features, embedding and (optionally) logits.</summary>
    /// <param name="images">Images <c>[B, 3, H, W]</c> float32, normalised as the backbone expects (ImageNet mean/std).</param>
    /// <returns>Embedding <c>[B, D]</c>, logits <c>[B, C]</c> or null, features <c>[B, F]</c>; all float32.</returns>
    /// <exception cref="ArgumentException"><paramref name="images"/> is not <c>[B, 3, H, W]</c>.</exception>
    public override StudentOutput forward(Tensor images)
    {
        TensorChecks.Rank(images, 4, nameof(images), "[B, 3, H, W]");
        if (images.shape[1] != 3)
        {
            throw new ArgumentException(
                $"Tensor 'images' has shape {TensorChecks.Shape(images)} but must have 3 (RGB) channels, shape [B, 3, H, W].",
                nameof(images));
        }
        var features = backbone.call(images);
        var embedding = head is null ? features : head.call(features);
        var logits = classifier?.call(features);
        return new StudentOutput(embedding, logits, features);
    }

    private static Student Create(StudentBackbone backbone, long? embeddingDim, int? numClasses, string? weights)
    {
        try
        {
            if (weights is not null) backbone.LoadWeights(weights);
            return new Student(backbone, embeddingDim, numClasses);
        }
        catch
        {
            backbone.Dispose();
            throw;
        }
    }
}
