using VL2V.Distillation.Clip.Imaging;
using VL2V.Distillation.Clip.Tests.TestSupport;

namespace VL2V.Distillation.Clip.Tests.Imaging;

/// <summary>Errors for unreadable images and invalid options, and properties of the resampling taps.</summary>
public sealed class ClipImagePreprocessorTests : IDisposable
{
    private readonly string _temp = Directory.CreateTempSubdirectory("clip-preprocess-tests-").FullName;
    private readonly ClipImagePreprocessor _preprocessor = new(new ClipPreprocessOptions { Size = 32 });

    public void Dispose() => Directory.Delete(_temp, recursive: true);

    private static string Png(string stem) => SharedFolder.Get("fixtures", "preprocess", stem + ".png");

    [Fact]
    public void Preprocess_MissingFile_ThrowsFileNotFoundWithThePath()
    {
        var path = Path.Combine(_temp, "missing.png");
        FluentActions.Invoking(() => _preprocessor.Preprocess(path)).Should().Throw<FileNotFoundException>()
            .WithMessage($"The image file '{path}' does not exist.");
    }

    [Fact]
    public void Preprocess_NotAnImage_ThrowsInvalidDataNamingTheFile()
    {
        var path = Path.Combine(_temp, "notes.png");
        File.WriteAllText(path, "this is text, not a PNG");
        FluentActions.Invoking(() => _preprocessor.Preprocess(path)).Should().Throw<InvalidDataException>()
            .WithMessage($"The image '{path}' cannot be decoded: the format is not recognised (expected PNG or JPEG).");
    }

    [Fact]
    public void Preprocess_TruncatedPng_ThrowsInvalidDataWithTheDecoderReason()
    {
        var path = Path.Combine(_temp, "cut.png");
        var bytes = File.ReadAllBytes(Png("img2_500x500"));
        File.WriteAllBytes(path, bytes[..(bytes.Length / 2)]);
        FluentActions.Invoking(() => _preprocessor.PreprocessBatch([Png("img0_300x200"), path])).Should().Throw<InvalidDataException>()
            .WithMessage($"The image '{path}' cannot be decoded: the data ends before the image does (truncated file).");
    }

    [Fact]
    public void PreprocessBatch_EmptyBytes_ThrowsNamingTheBatchIndex()
    {
        FluentActions.Invoking(() => _preprocessor.PreprocessBatch([File.ReadAllBytes(Png("img3_37x91")), []])).Should().Throw<InvalidDataException>()
            .WithMessage("The image 'image 1 of the batch' cannot be decoded: the data is empty.");
    }

    [Fact]
    public void Options_Invalid_ListEveryProblem()
    {
        FluentActions.Invoking(() => new ClipImagePreprocessor(new ClipPreprocessOptions { Size = 0, Mean = [0.5f], Std = [1f, 0f, 1f] }))
            .Should().Throw<ArgumentException>().WithMessage(
                "The 'ClipPreprocessOptions' are invalid:\n- Size must be at least 1 (was 0).\n- Mean must have 3 values (R, G, B) (had 1).\n- Std values must be positive and finite (were 1, 0, 1).");
    }

    [Theory]
    [InlineData(500, 224)]
    [InlineData(91, 32)]
    [InlineData(64, 224)]
    public void BicubicCoefficients_EveryOutputPixel_SumsToOneInFixedPoint(int inSize, int outSize)
    {
        var c = PilResampler.BicubicCoefficients(inSize, outSize);
        for (var o = 0; o < outSize; o++)
        {
            var sum = c.Weights.AsSpan(o * c.KernelSize, c.Count[o]).ToArray().Sum();
            sum.Should().BeInRange((1 << 22) - c.Count[o], (1 << 22) + c.Count[o], "normalised weights round independently");
            c.Start[o].Should().BeGreaterThanOrEqualTo(0);
            (c.Start[o] + c.Count[o]).Should().BeLessThanOrEqualTo(inSize);
        }
    }
}
