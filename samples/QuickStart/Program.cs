// QuickStart: the main job of VL2V.Distillation.
//
// Until the embedded benchmark lands (issue "The main job"), this program says what it will do and runs the one
// part that exists today: the VL2V-ADiP loss on a synthetic batch, so the native libtorch setup is proven.
using VL2V.Distillation;
using VL2V.Distillation.Losses;

Console.WriteLine("VL2V.Distillation QuickStart");
Console.WriteLine();
Console.WriteLine("When the embedded benchmark is complete, this command will:");
Console.WriteLine("  1. generate a multi-domain synthetic image benchmark (sketch, cartoon, photo, ... styles);");
Console.WriteLine("  2. pretrain a small CLIP teacher on captioned images of every domain;");
Console.WriteLine("  3. train students on source domains only (ERM, KD, Align-only, VL2V-ADiP), leave-one-domain-out, 3 seeds;");
Console.WriteLine("  4. print a DomainBed-style table and write report.json, report.md and ood_accuracy.png.");
Console.WriteLine();
Console.WriteLine("Today it checks the toolchain with the VL2V-ADiP loss on a synthetic batch:");

using var scope = torch.NewDisposeScope();
var generator = new torch.Generator(0);
var classText = nn.functional.normalize(torch.randn(7, 16, generator: generator), dim: -1);
var labels = torch.tensor(new long[] { 0, 3, 6, 2 });
var teacherImage = nn.functional.normalize(classText.index_select(0, labels) + 0.3 * torch.randn(4, 16, generator: generator), dim: -1);
var student = new StudentOutput(torch.randn(4, 16, generator: generator));
var loss = new AdipLoss(lambda: 0.5);
var result = loss.Compute(student, new TeacherEmbeddings(teacherImage, classText), labels);
Console.WriteLine($"  L = {loss.Formula}");
Console.WriteLine($"  {result}");
