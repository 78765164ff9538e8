using VL2V.Distillation.Internal;
namespace VL2V.Distillation.Losses;

/// <summary>
/// The math of every loss, written once. The public loss classes only check inputs and bind options to these
/// functions. Each function is golden-tested against PyTorch (tests/VL2V.Distillation.Tests/Fixtures).
/// </summary>
internal static class LossFunctions
{
    /// <summary><c>-mean_i cos(a_i, b_i)</c> for <c>a, b: [B, D]</c>.</summary>
    public static Tensor NegativeMeanCosine(Tensor a, Tensor b) =>
        -nn.functional.cosine_similarity(a, b, dim: 1).mean();

    /// <summary>Mean squared error over all elements of <c>a, b: [B, D]</c> (SimKD / FitNets).</summary>
    public static Tensor MeanSquaredError(Tensor a, Tensor b) =>
        nn.functional.mse_loss(a, b, nn.Reduction.Mean);

    /// <summary>Cross-entropy of logits <c>[B, C]</c> against labels <c>[B]</c>, mean over the batch, with label smoothing.</summary>
    public static Tensor CrossEntropy(Tensor logits, Tensor labels, double labelSmoothing) =>
        nn.functional.cross_entropy(logits, labels, reduction: nn.Reduction.Mean, label_smoothing: labelSmoothing);

    /// <summary>
    /// Hinton's soft-target term <c>tau^2 * KL(softmax(t/tau) || softmax(s/tau))</c>, summed over classes and
    /// averaged over the batch (PyTorch's <c>batchmean</c>).
    /// </summary>
    public static Tensor SoftTargetKl(Tensor studentLogits, Tensor teacherLogits, double temperature)
    {
        using var scope = torch.NewDisposeScope();
        var logStudent = nn.functional.log_softmax(studentLogits.DividedBy(temperature), dim: 1);
        var logTeacher = nn.functional.log_softmax(teacherLogits.DividedBy(temperature), dim: 1);
        // TorchSharp's kl_div defaults to log_target: true; both arguments are log-probabilities here on purpose.
        var kl = nn.functional.kl_div(logStudent, logTeacher, reduction: nn.Reduction.Sum, log_target: true).DividedBy(studentLogits.shape[0]);
        return kl.Times(temperature * temperature).MoveToOuterDisposeScope();
    }

    /// <summary>
    /// CLIP's symmetric InfoNCE over matching pairs: rows of <c>image</c> and <c>text</c> <c>[N, D]</c> are normalised,
    /// logits are <c>scale * image @ text^T</c>, and each direction is a cross-entropy against the diagonal.
    /// </summary>
    public static (Tensor ImageToText, Tensor TextToImage) ClipContrastive(Tensor image, Tensor text, Tensor scale)
    {
        using var scope = torch.NewDisposeScope();
        var logits = scale * nn.functional.normalize(image, p: 2, dim: 1).matmul(nn.functional.normalize(text, p: 2, dim: 1).t());
        var targets = HeldScalars.Range(image.shape[0], image.device);
        var imageToText = nn.functional.cross_entropy(logits, targets);
        var textToImage = nn.functional.cross_entropy(logits.t(), targets);
        return (imageToText.MoveToOuterDisposeScope(), textToImage.MoveToOuterDisposeScope());
    }

    /// <summary>
    /// RKD distance-wise loss (Park et al. 2019): pairwise Euclidean distances of each set, each divided by its
    /// mean over distinct pairs, compared with the Huber (smooth L1, beta 1) loss averaged over all <c>B*B</c> entries.
    /// </summary>
    public static Tensor RelationalDistance(Tensor student, Tensor teacher)
    {
        using var scope = torch.NewDisposeScope();
        var s = NormalizedPairwiseDistances(student);
        var t = NormalizedPairwiseDistances(teacher);
        return nn.functional.smooth_l1_loss(s, t, nn.Reduction.Mean, beta: 1.0).MoveToOuterDisposeScope();
    }

    /// <summary>
    /// RKD angle-wise loss (Park et al. 2019): for every triplet (i, j, k) the cosine of the angle at j between
    /// <c>e_i - e_j</c> and <c>e_k - e_j</c>, compared with the Huber loss averaged over all <c>B^3</c> entries.
    /// </summary>
    public static Tensor RelationalAngle(Tensor student, Tensor teacher)
    {
        using var scope = torch.NewDisposeScope();
        return nn.functional.smooth_l1_loss(TripletAngles(student), TripletAngles(teacher), nn.Reduction.Mean, beta: 1.0)
            .MoveToOuterDisposeScope();
    }

    private static Tensor NormalizedPairwiseDistances(Tensor e)
    {
        var squaredNorms = e.Power(2).sum(1);                                          // [B]
        var squared = squaredNorms.unsqueeze(1).Plus(squaredNorms.unsqueeze(0)) - e.matmul(e.t()).Times(2);
        // Clamp before sqrt keeps the gradient finite on the diagonal, which is then zeroed.
        var offDiagonal = torch.eye(e.shape[0], dtype: e.dtype, device: e.device).SubtractedFrom(1);
        var distances = squared.AtLeast(1e-12).sqrt() * offDiagonal;               // [B, B]
        return distances / distances.masked_select(distances.GreaterThan(0)).mean();
    }

    private static Tensor TripletAngles(Tensor e)
    {
        var differences = e.unsqueeze(0) - e.unsqueeze(1);                          // [B, B, D]: e_j - e_i at [i, j]
        var unit = nn.functional.normalize(differences, p: 2, dim: 2);
        return unit.bmm(unit.transpose(1, 2)).view(-1);                             // [B*B*B]
    }
}
