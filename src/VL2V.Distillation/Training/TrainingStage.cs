using VL2V.Distillation.Losses;

namespace VL2V.Distillation.Training;

/// <summary>One stage of a method: which parts train, with which loss, and how the student predicts.</summary>
internal sealed record TrainingStage(string Name, IReadOnlyList<StudentPart> Trainable, IDistillationLoss Loss, bool ZeroShot)
{
    /// <summary>The stages of a method, in order (PAPER.md §2.4–2.7).</summary>
    public static IReadOnlyList<TrainingStage> Plan(TrainerOptions options, IStudent student)
    {
        var adip = new AdipLoss(options.Lambda);
        return options.Method switch
        {
            DistillationMethod.Adip =>
            [
                new("align", [StudentPart.Head], adip, ZeroShot: true),
                new("distill", [StudentPart.Backbone], adip, ZeroShot: true),
            ],
            DistillationMethod.AlignOnly => [new("align", [StudentPart.Head], adip, ZeroShot: true)],
            DistillationMethod.SingleStageAdip => [new("train", [StudentPart.Backbone, StudentPart.Head], adip, ZeroShot: true)],
            // VL2V-SD: the whole CLIP image encoder trains; a head, if the caller added one, trains with it.
            DistillationMethod.SelfDistillation =>
                [new("train", student.Parts.Where(p => p != StudentPart.Classifier).ToList(), adip, ZeroShot: true)],
            DistillationMethod.Erm =>
                [new("train", [StudentPart.Backbone, StudentPart.Classifier], new CrossEntropyLoss(), ZeroShot: false)],
            DistillationMethod.KnowledgeDistillation =>
                [new("train", [StudentPart.Backbone, StudentPart.Classifier], new KnowledgeDistillationLoss(options.KdTemperature), ZeroShot: false)],
            _ => throw new ArgumentOutOfRangeException(nameof(options), options.Method, "Unknown method."),
        };
    }

    /// <summary>The parts the method's student must have.</summary>
    public static IEnumerable<StudentPart> RequiredParts(DistillationMethod method) => method switch
    {
        DistillationMethod.Adip or DistillationMethod.AlignOnly or DistillationMethod.SingleStageAdip => [StudentPart.Backbone, StudentPart.Head],
        DistillationMethod.Erm or DistillationMethod.KnowledgeDistillation => [StudentPart.Backbone, StudentPart.Classifier],
        _ => [StudentPart.Backbone],
    };
}
