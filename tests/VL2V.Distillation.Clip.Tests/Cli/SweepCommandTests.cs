namespace VL2V.Distillation.Clip.Tests.Cli;

/// <summary><c>vl2v sweep</c> prints the exact distill commands (and SLURM script) for a small case.</summary>
public sealed class SweepCommandTests
{
    [Fact]
    public void Sweep_Lines_OneCommandPerMethodTargetAndSeed_WithQuotedPathsAndOwnOut()
    {
        // The data and weights live on the cluster, not here: --dataset gives the domains, nothing is opened.
        var run = CliRun.Of("sweep", "--data", "/data/PACS", "--dataset", "PACS", "--teacher-weights", "/w/ViT-B-16.pt",
                            "--student", "resnet50", "--student-weights", "/w/resnet 50.pth", "--methods", "adip,erm",
                            "--test-domains", "sketch,photo", "--seeds", "0,1", "--out", "runs");

        run.ExitCode.Should().Be(0, run.Error);
        const string common = "vl2v distill --data /data/PACS --dataset PACS --teacher-weights /w/ViT-B-16.pt --student resnet50 --student-weights '/w/resnet 50.pth'";
        run.Output.Should().Be(
            $"{common} --method adip --test-domains sketch --seeds 0 --out runs/adip/sketch/seed0\n" +
            $"{common} --method adip --test-domains sketch --seeds 1 --out runs/adip/sketch/seed1\n" +
            $"{common} --method adip --test-domains photo --seeds 0 --out runs/adip/photo/seed0\n" +
            $"{common} --method adip --test-domains photo --seeds 1 --out runs/adip/photo/seed1\n" +
            $"{common} --method erm --test-domains sketch --seeds 0 --out runs/erm/sketch/seed0\n" +
            $"{common} --method erm --test-domains sketch --seeds 1 --out runs/erm/sketch/seed1\n" +
            $"{common} --method erm --test-domains photo --seeds 0 --out runs/erm/photo/seed0\n" +
            $"{common} --method erm --test-domains photo --seeds 1 --out runs/erm/photo/seed1\n");
    }

    [Fact]
    public void Sweep_AllDomainsOfTheDataset_FollowTheDescriptorOrder_AndQuoteSpaces()
    {
        var run = CliRun.Of("sweep", "--data", "/data/office_home", "--dataset", "OfficeHome", "--student", "resnet18", "--methods", "erm", "--out", "o");

        run.ExitCode.Should().Be(0, run.Error);
        run.Output.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => l[l.IndexOf("--test-domains", StringComparison.Ordinal)..]).Should().Equal(
            "--test-domains Art --seeds 0 --out o/erm/Art/seed0",
            "--test-domains Clipart --seeds 0 --out o/erm/Clipart/seed0",
            "--test-domains Product --seeds 0 --out o/erm/Product/seed0",
            "--test-domains 'Real World' --seeds 0 --out o/erm/Real_World/seed0");
    }

    [Fact]
    public void Sweep_Slurm_PrintsAnArrayScriptWithOneTaskPerCommand()
    {
        var run = CliRun.Of("sweep", "--data", "/data/tiny", "--teacher-weights", "w.pt", "--student", "small-cnn", "--methods", "adip",
                            "--test-domains", "sketch", "--seeds", "0", "--steps", "4", "--device", "cuda", "--out", "runs", "--format", "slurm");

        run.ExitCode.Should().Be(0, run.Error);
        run.Output.Should().Be(
            "#!/bin/bash\n" +
            "#SBATCH --job-name=vl2v-sweep\n" +
            "#SBATCH --array=0-0\n" +
            "#SBATCH --output=runs/slurm-%A_%a.log\n" +
            "#SBATCH --gres=gpu:1\n" +
            "# 1 array tasks = 1 method(s) x 1 target domain(s) x 1 seed(s); submit with: sbatch <this file>\n" +
            "# Create runs before submitting (SLURM writes the logs there); vl2v must be on PATH; a resubmitted task resumes its run.\n" +
            "set -euo pipefail\n" +
            "case \"$SLURM_ARRAY_TASK_ID\" in\n" +
            "  0) vl2v distill --data /data/tiny --teacher-weights w.pt --student small-cnn --steps 4 --device cuda --method adip --test-domains sketch --seeds 0 --out runs/adip/sketch/seed0 ;;\n" +
            "  *) echo \"no task $SLURM_ARRAY_TASK_ID\" >&2; exit 1 ;;\n" +
            "esac\n");
    }

    [Fact]
    public void Sweep_BadMethodsAndUnknownDomains_AreOneLineErrors()
    {
        CliRun.Of("sweep", "--data", "/d", "--dataset", "PACS", "--student", "resnet18", "--methods", "adip,fancy", "--out", "o")
              .ShouldFailWithOneLine("fancy", "adip, sd, erm, kd, align-only");
        CliRun.Of("sweep", "--data", "/d", "--dataset", "PACS", "--student", "resnet18", "--methods", "sd", "--teacher-weights", "w.pt", "--out", "o")
              .ShouldFailWithOneLine("--student clip");
        CliRun.Of("sweep", "--data", "/d", "--dataset", "PACS", "--student", "resnet18", "--methods", "erm", "--test-domains", "Sketch", "--out", "o")
              .ShouldFailWithOneLine("'Sketch'", "art_painting, cartoon, photo, sketch");
        CliRun.Of("sweep", "--data", "/nonexistent", "--student", "resnet18", "--methods", "erm", "--out", "o")
              .ShouldFailWithOneLine("--dataset", "--test-domains");
    }
}
