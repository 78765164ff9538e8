// VL2V-ADiP on PACS with a real CLIP ViT-B/16 teacher and an ImageNet ResNet-50 student, leave-one-domain-out,
// exactly the in-process API shown in the README. Everything comes from local paths; nothing is downloaded.
//
//   dotnet run -c Release --project samples/PacsLeaveOneOut -- PACS_ROOT ViT-B-16.pt bpe_simple_vocab_16e6.txt.gz resnet50.pth OUT_DIR
//
// PACS_ROOT is DomainBed's layout: PACS_ROOT/<domain>/<class>/<image>. On a CPU this takes days (see docs/performance.md);
// pass a CUDA libtorch package to the app and set a CUDA device for real runs.
using VL2V.Distillation;
using VL2V.Distillation.Clip;
using VL2V.Distillation.Data;
using VL2V.Distillation.Students;
using VL2V.Distillation.Training;

if (args.Length != 5)
{
    Console.Error.WriteLine("usage: PacsLeaveOneOut PACS_ROOT CLIP_WEIGHTS CLIP_VOCAB RESNET50_WEIGHTS OUT_DIR");
    return 2;
}
var (root, clipWeights, vocabulary, resnetWeights, output) = (args[0], args[1], args[2], args[3], args[4]);

// 1. Data: DomainBed folders, checked before any training starts (every problem listed).
var pacs = ImageFolderDataset.Open(root);

// 2. Teacher: frozen CLIP, class text from "a photo of a {class}", fed the student's augmented tensor (official code).
using var teacher = ClipTeacher.Load(clipWeights, pacs.Classes, new ClipTeacherOptions { VocabularyPath = vocabulary });

// 3. Students: ResNet-50 features → projection head into CLIP's space; a fresh one per run.
Student NewStudent(int seed, string target)
{
    torch.manual_seed(seed);
    return Student.ResNet50(embeddingDim: teacher.EmbeddingDim, weights: resnetWeights);
}

// 4. Align → Distill → Predict with the official recipe (Adam 5e-5, 32 per domain, 5001 steps, eval every 200, SWAD),
//    every target domain, three seeds; resumable: run the same command again to continue.
var experiment = new LeaveOneOutExperiment(new TrainerOptions { Method = DistillationMethod.Adip });
var progress = new Progress<ExperimentProgress>(p =>
{
    if (p.Training.Evaluation is { } e)
        Console.WriteLine($"[{p.TargetDomain} seed {p.Seed}] {p.Training.Stage} step {p.Training.Step}: target acc {e.TargetAccuracy:P1}");
});
var result = experiment.Run(NewStudent, teacher, pacs, seeds: [0, 1, 2], output, progress: progress);
Console.WriteLine(result.ToMarkdown("VL2V-ADiP"));
return 0;
