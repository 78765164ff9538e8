#!/usr/bin/env bash
# Packs both libraries, creates a fresh console app in a temporary folder that references the packed
# VL2V.Distillation.Clip package (which brings VL2V.Distillation) and a CPU libtorch the way a user would, builds
# and runs it: a CLIP forward pass and an ADiP loss step.
# Proves that the package works on its own, including the libLibTorchSharp.so fix shipped in buildTransitive/.
# Usage: bash .ci/check-package-consumer.sh      (not part of .ci/run: it restores a second package set)
set -euo pipefail
repo=$(cd "$(dirname "$0")/.." && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

version=$(sed -n 's:.*<Version>\(.*\)</Version>.*:\1:p' "$repo/Directory.Build.props")
torchsharp=$(sed -n 's:.*Include="TorchSharp" Version="\([^"]*\)".*:\1:p' "$repo/Directory.Packages.props")
libtorch=$(sed -n 's:.*Include="libtorch-cpu-linux-x64" Version="\([^"]*\)".*:\1:p' "$repo/Directory.Packages.props")

dotnet pack "$repo/src/VL2V.Distillation" -c Release -o "$work/feed" -p:ContinuousIntegrationBuild=true >/dev/null
dotnet pack "$repo/src/VL2V.Distillation.Clip" -c Release -o "$work/feed" -p:ContinuousIntegrationBuild=true >/dev/null
ls "$work/feed"
mkdir -p "$work/app"
cd "$work/app"
cat > nuget.config <<XML
<configuration>
  <packageSources>
    <add key="local" value="$work/feed" />
    <add key="nuget.org" value="https://api.nuget.org/v3/index.json" />
  </packageSources>
</configuration>
XML
cat > App.csproj <<XML
<Project Sdk="Microsoft.NET.Sdk">
  <PropertyGroup><OutputType>Exe</OutputType><TargetFramework>net10.0</TargetFramework><Nullable>enable</Nullable><ImplicitUsings>enable</ImplicitUsings></PropertyGroup>
  <ItemGroup>
    <PackageReference Include="VL2V.Distillation.Clip" Version="$version" />
    <PackageReference Include="SkiaSharp.NativeAssets.Linux.NoDependencies" Version="4.155.0" />
    <PackageReference Include="libtorch-cpu-linux-x64" Version="$libtorch" />
  </ItemGroup>
</Project>
XML
cat > Program.cs <<'CS'
using TorchSharp;
using VL2V.Distillation;
using VL2V.Distillation.Losses;
using VL2V.Distillation.Clip;
using VL2V.Distillation.Clip.Modules;
var config = ClipPresets.VitB32 with { VisionLayers = [1], TransformerLayers = 1 };
using var clip = new ClipModel(config);
var image = clip.EncodeImage(torch.rand(1, 3, 224, 224));
Console.WriteLine($"clip ok: encode_image [{string.Join(",", image.shape)}]");
var classText = torch.nn.functional.normalize(torch.randn(4, 8), dim: 1);
var labels = torch.tensor(new long[] { 0, 1, 2, 3 });
var student = torch.nn.Linear(8, 8);
var loss = new AdipLoss().Compute(new StudentOutput(student.call(classText)), new TeacherEmbeddings(classText, classText), labels);
loss.Total.backward();
Console.WriteLine($"consumer ok: {loss}");
CS
dotnet run -c Release 2>&1 | tail -3
so=$(find bin -name libLibTorchSharp.so -path '*runtimes*' | head -1)
echo "patched: $so"
echo "TorchSharp $torchsharp (via the package), libtorch-cpu-linux-x64 $libtorch"
