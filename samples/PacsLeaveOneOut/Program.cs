// VL2V-ADiP on PACS with a real CLIP ViT-B/16 teacher and an ImageNet ResNet-50 student, leave-one-domain-out,
// exactly the in-process API shown in the README. Everything comes from local paths; nothing is downloaded.
//
//   dotnet run -c Release --project samples/PacsLeaveOneOut [--property:VL2VBackend=cuda] -- PACS_ROOT ViT-B-16.pt bpe_simple_vocab_16e6.txt.gz resnet50.pth OUT_DIR [cuda]
//
// PACS_ROOT is DomainBed's layout: PACS_ROOT/<domain>/<class>/<image>. On a CPU this takes days (see docs/performance.md);
// for real runs build with -p:VL2VBackend=cuda (TorchSharp's CUDA libtorch) and pass the device as the last argument.
using VL2V.Distillation;
using VL2V.Distillation.Clip;
using VL2V.Distillation.Clip.Checkpoints;
using VL2V.Distillation.Data;
using VL2V.Distillation.Students;
using VL2V.Distillation.Teachers;
using VL2V.Distillation.Training;

if (args.Length is not (5 or 6))
{
    Console.Error.WriteLine("usage: PacsLeaveOneOut PACS_ROOT CLIP_WEIGHTS CLIP_VOCAB RESNET50_WEIGHTS OUT_DIR [cpu|cuda|cuda:N]");
    return 2;
}
var (root, clipWeights, vocabulary, resnetWeights, output) = (args[0], args[1], args[2], args[3], args[4]);
var device = torch.device(args.Length == 6 ? args[5] : "cpu");

// 1. Data: DomainBed folders, checked before any training starts (every problem listed).
var pacs = ImageFolderDataset.Open(root);

// 2. Teacher: frozen CLIP, class text from "a photo of a {class}", fed the student's augmented tensor (official code).
//    On an accelerator the teacher runs there and hands its embeddings back to the trainer on the CPU.
using var teacher = new DeviceTeacher(ClipTeacher.Load(clipWeights, pacs.Classes, new ClipTeacherOptions
{
    VocabularyPath = vocabulary,
    Checkpoint = new ClipCheckpointOptions { Device = device },
}));

// 3. Students: ResNet-50 features → projection head into CLIP's space; a fresh one per run.
//    DeviceStudent moves it to the device and returns its outputs to the CPU (a no-op wrapper on the CPU).
DeviceStudent NewStudent(int seed, string target)
{
    torch.manual_seed(seed);
    return new DeviceStudent(Student.ResNet50(embeddingDim: teacher.EmbeddingDim, weights: resnetWeights), device);
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
