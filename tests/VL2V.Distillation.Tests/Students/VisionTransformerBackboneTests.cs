using TorchSharp.PyBridge;
using VL2V.Distillation.Checkpoints;
using VL2V.Distillation.Students;
using static VL2V.Distillation.Tests.Students.StudentTestSupport;

namespace VL2V.Distillation.Tests.Students;

public sealed class VisionTransformerBackboneTests : IDisposable
{
    private readonly string _tempDir = Directory.CreateTempSubdirectory("vl2v-vit-").FullName;

    public void Dispose() => Directory.Delete(_tempDir, recursive: true);

    // torchvision VisionTransformer(image_size=32, patch_size=8, num_layers=2, num_heads=2, hidden_dim=64, mlp_dim=128)
    private static VisionTransformerBackbone TinyVit(int layers = 2, bool distilled = false) =>
        new(imageSize: 32, patchSize: 8, layers: layers, heads: 2, hiddenDim: 64, mlpDim: 128, distillationToken: distilled);

    [Theory]
    [InlineData("vit-tiny.safetensors")]
    [InlineData("vit-tiny.pt")]
    public void Forward_TorchvisionFixtureWeights_MatchesReferenceFeaturesAndLogits(string file)
    {
        var backbone = TinyVit();
        backbone.LoadWeights(TorchvisionFixture(file));
        using var student = new Student(backbone, embeddingDim: 16, numClasses: 10);
        var weights = ReadSafetensors(TorchvisionFixture("vit-tiny.safetensors"));
        SetClassifier(student, weights["heads.head.weight"], weights["heads.head.bias"]);
        var io = ReadSafetensors(TorchvisionFixture("vit-tiny_io.safetensors"));
        student.eval();

        using var noGrad = torch.no_grad();
        var output = student.call(io["input"]);

        output.Features!.ShouldMatchReference(io["features"], "vit-tiny features");
        output.Logits!.ShouldMatchReference(io["logits"], "vit-tiny logits");
    }

    [Fact]
    public void LoadWeights_TimmNamedFile_GivesTheSameOutputsAsTheTorchvisionFile()
    {
        // Rename the torchvision fixture to timm's VisionTransformer names (timm/models/vision_transformer.py),
        // with a timm classifier 'head.*' that must be dropped.
        var torchvision = ReadSafetensors(TorchvisionFixture("vit-tiny.safetensors"));
        var timm = new Dictionary<string, Tensor>
        {
            ["cls_token"] = torchvision["class_token"],
            ["pos_embed"] = torchvision["encoder.pos_embedding"],
            ["patch_embed.proj.weight"] = torchvision["conv_proj.weight"],
            ["patch_embed.proj.bias"] = torchvision["conv_proj.bias"],
            ["norm.weight"] = torchvision["encoder.ln.weight"],
            ["norm.bias"] = torchvision["encoder.ln.bias"],
            ["head.weight"] = torchvision["heads.head.weight"],
            ["head.bias"] = torchvision["heads.head.bias"],
        };
        for (var i = 0; i < 2; i++)
        {
            var tv = $"encoder.layers.encoder_layer_{i}.";
            var tm = $"blocks.{i}.";
            foreach (var p in new[] { "weight", "bias" })
            {
                timm[tm + "norm1." + p] = torchvision[tv + "ln_1." + p];
                timm[tm + "attn.qkv." + p] = torchvision[tv + "self_attention.in_proj_" + p];
                timm[tm + "attn.proj." + p] = torchvision[tv + "self_attention.out_proj." + p];
                timm[tm + "norm2." + p] = torchvision[tv + "ln_2." + p];
                timm[tm + "mlp.fc1." + p] = torchvision[tv + "mlp.0." + p];
                timm[tm + "mlp.fc2." + p] = torchvision[tv + "mlp.3." + p];
            }
        }
        timm.Should().HaveCount(torchvision.Count);
        var timmPath = Path.Combine(_tempDir, "vit-tiny-timm.safetensors");
        Safetensors.SaveStateDict(timmPath, timm);
        using var fromTorchvision = TinyVit();
        fromTorchvision.LoadWeights(TorchvisionFixture("vit-tiny.safetensors"));
        using var fromTimm = TinyVit();
        fromTimm.LoadWeights(timmPath);
        var io = ReadSafetensors(TorchvisionFixture("vit-tiny_io.safetensors"));
        fromTorchvision.eval();
        fromTimm.eval();

        using var noGrad = torch.no_grad();
        var expected = fromTorchvision.call(io["input"]);
        var actual = fromTimm.call(io["input"]);

        actual.equal(expected).all().item<bool>().Should().BeTrue("both files hold the same weights under different names");
        actual.ShouldMatchReference(io["features"], "vit-tiny features from timm names");
    }

    [Fact]
    public void LoadWeights_TimmDistilledFile_LoadsDistTokenAndDropsBothHeads()
    {
        using var source = TinyVit(distilled: true);
        var timm = source.state_dict().ToDictionary(e => e.Key, e => e.Value.clone());
        timm.Keys.Should().Contain(["dist_token", "cls_token", "pos_embed", "blocks.1.attn.qkv.weight", "norm.bias"]);
        timm["pos_embed"].shape.Should().Equal([1L, 18, 64], "DeiT has 16 patches + class + distillation token");
        timm["head.weight"] = torch.randn(10, 64);
        timm["head.bias"] = torch.randn(10);
        timm["head_dist.weight"] = torch.randn(10, 64);
        timm["head_dist.bias"] = torch.randn(10);
        var path = Path.Combine(_tempDir, "deit-tiny-timm.safetensors");
        Safetensors.SaveStateDict(path, timm);
        using var loaded = TinyVit(distilled: true);

        loaded.LoadWeights(path);

        foreach (var (key, value) in loaded.state_dict())
        {
            value.equal(timm[key]).all().item<bool>().Should().BeTrue($"'{key}' must be copied from the file");
        }
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Forward_TimmDeitDistilledFixture_MatchesReferenceFeatures(bool trainingMode)
    {
        // Fixtures/Students/make_deit_fixture.py: timm names, 3 heads of 16, functional PyTorch forward of timm's
        // VisionTransformerDistilled with head = head_dist = Identity, i.e. (x[:, 0] + x[:, 1]) / 2 after the final norm.
        var fixture = Path.Combine(AppContext.BaseDirectory, "Fixtures", "Students");
        using var deit = new VisionTransformerBackbone(32, 8, layers: 2, heads: 3, hiddenDim: 48, mlpDim: 96, distillationToken: true);
        deit.LoadWeights(Path.Combine(fixture, "deit-tiny-timm.pt"));
        var io = StateDictFile.Read(Path.Combine(fixture, "deit-tiny-timm_io.pt"));
        deit.train(trainingMode);    // no dropout and no BatchNorm: both modes give the same features, as in timm

        using var noGrad = torch.no_grad();
        deit.call(io["input"]).ShouldMatchReference(io["features"], "DeiT distilled features");
    }

    [Fact]
    public void Forward_Distilled_IsSymmetricInClassAndDistillationToken()
    {
        // The blocks are permutation-equivariant (no mask), so swapping cls_token with dist_token together with
        // their position embeddings swaps output tokens 0 and 1. timm's features, (x[:, 0] + x[:, 1]) / 2, are
        // unchanged; pooling the class token alone (or the distillation token alone) would change.
        using var deit = TinyVit(distilled: true);
        deit.eval();
        var state = deit.state_dict();
        var generator = new torch.Generator(11);
        using var images = torch.randn(2, 3, 32, 32, generator: generator);
        using var noGrad = torch.no_grad();
        state["cls_token"].copy_(torch.randn(1, 1, 64, generator: generator));
        state["dist_token"].copy_(torch.randn(1, 1, 64, generator: generator));
        var before = deit.call(images);
        var cls = state["cls_token"].clone();
        var pos0 = state["pos_embed"][0, 0].clone();
        state["cls_token"].copy_(state["dist_token"]);
        state["dist_token"].copy_(cls);
        state["pos_embed"][0, 0].copy_(state["pos_embed"][0, 1]);
        state["pos_embed"][0, 1].copy_(pos0);

        var after = deit.call(images);

        before.shape.Should().Equal([2L, 64]);
        after.ShouldMatchReference(before, "DeiT features after swapping the class and distillation tokens");
    }

    [Fact]
    public void LoadWeights_FileWithFewerBlocks_ThrowsMismatchListingMissingBlock()
    {
        using var deeper = TinyVit(layers: 3);
        var path = TorchvisionFixture("vit-tiny.safetensors");

        var act = () => deeper.LoadWeights(path);

        var error = act.Should().Throw<CheckpointMismatchException>().Which;
        error.MissingKeys.Should().HaveCount(12).And.OnlyContain(k => k.StartsWith("blocks.2."));
        error.UnexpectedKeys.Should().BeEmpty();
        error.Message.Should().StartWith($"Checkpoint '{path}' does not match Vision Transformer backbone (image size 32, patch 8): 12 missing keys [blocks.2.attn.proj.bias")
            .And.Contain("read with torchvision key names");
    }

    [Fact]
    public void LoadWeights_ClassTokenOnlyFileIntoDistilledModel_ThrowsMismatchNamingDistTokenAndPosEmbed()
    {
        using var deit = TinyVit(distilled: true);

        var act = () => deit.LoadWeights(TorchvisionFixture("vit-tiny.safetensors"));

        act.Should().Throw<CheckpointMismatchException>().Which.Message.Should()
            .Contain("1 missing key [dist_token]")
            .And.Contain("1 key with the wrong shape [pos_embed: expected [1, 18, 64], found [1, 17, 64]]")
            .And.Contain("pos_embed has 18 tokens here");
    }

    [Fact]
    public void Forward_WrongImageSize_ThrowsWithExpectedSizeAndFix()
    {
        using var vit = TinyVit();
        using var images = torch.zeros(1, 3, 64, 64);

        var act = () => vit.call(images);

        act.Should().Throw<ArgumentException>().WithMessage(
            "The Vision Transformer expects images [B, 3, 32, 32] but got [1, 3, 64, 64]; resize the images to 32×32 or build the backbone with imageSize: 64.*");
    }

    [Fact]
    public void Constructor_RandomInit_IsFiniteWithTimmScales()
    {
        using var vit = new VisionTransformerBackbone(imageSize: 64, patchSize: 8, layers: 4, heads: 4, hiddenDim: 128, mlpDim: 512);
        var parameters = vit.named_parameters().ToDictionary(p => p.name, p => p.parameter);

        parameters.Values.Should().OnlyContain(p => torch.isfinite(p).all().item<bool>());
        foreach (var name in new[] { "pos_embed", "blocks.0.attn.qkv.weight", "blocks.3.mlp.fc2.weight" })
        {
            parameters[name].std().item<float>().Should().BeApproximately(0.02f, 0.002f, $"timm draws {name} with std 0.02");
        }
        parameters["blocks.3.mlp.fc1.bias"].abs().max().item<float>().Should().Be(0f);
        parameters["cls_token"].abs().max().item<float>().Should().BeLessThan(1e-4f, "timm draws cls_token with std 1e-6");
    }

    [Fact]
    public void Constructor_ImageSizeNotMultipleOfPatch_Throws()
    {
        var act = () => new VisionTransformerBackbone(30, 8, 1, 2, 64, 128);
        act.Should().Throw<ArgumentException>().WithMessage("The image size 30 is not a multiple of the patch size 8*");
    }
}
