using VL2V.Distillation.Checkpoints;

namespace VL2V.Distillation.Clip.Tests.TestSupport;

/// <summary>The tiny reference CLIP models in ../shared/fixtures/clip-parity.</summary>
internal static class ClipFixtures
{
    public static string File(string model, params string[] parts) => SharedFolder.Get(["fixtures", "clip-parity", model, .. parts]);

    public static ClipConfig Config(string model) => ClipConfig.FromJsonFile(File(model, "config.json"));

    public static Dictionary<string, Tensor> Tensors(string model, string file) => StateDictFile.Read(File(model, file));
}
