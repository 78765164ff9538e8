using System.Security.Cryptography;
using SkiaSharp;
using VL2V.Distillation.Data;

namespace VL2V.Distillation.Tests.Data;

public sealed class ImageFolderDatasetTests : IDisposable
{
    private readonly TempImageFolder _folder = new();

    public void Dispose() => _folder.Dispose();

    private void AddValidLayout()
    {
        foreach (var domain in new[] { "photo", "art_painting" })
        {
            _folder.Add($"{domain}/dog/b.PNG", seed: 1);
            _folder.Add($"{domain}/dog/a.jpg", seed: 2, format: SKEncodedImageFormat.Jpeg);
            _folder.Add($"{domain}/dog/sub/c.png", seed: 3);
            _folder.Add($"{domain}/ice_cream/x.jpeg", seed: 4, format: SKEncodedImageFormat.Jpeg);
            _folder.Add($"{domain}/Bird/y.png", seed: 5);
        }
        _folder.AddBytes("photo/dog/notes.txt", "not an image"u8.ToArray());
    }

    [Fact]
    public void Open_ValidLayout_SortsDomainsAndClassesOrdinallyAndReadsUnderscoresAsSpaces()
    {
        AddValidLayout();

        var dataset = ImageFolderDataset.Open(_folder.Root);

        dataset.Domains.Should().Equal("art_painting", "photo");
        dataset.ClassFolders.Should().Equal("Bird", "dog", "ice_cream");
        dataset.Classes.Should().Equal("Bird", "dog", "ice cream");
        dataset.DomainSizes.Should().Equal(new DomainSize("art_painting", 5), new DomainSize("photo", 5));
        dataset.Report.Should().BeEquivalentTo(new { ImageCount = 10, SkippedCount = 0, IgnoredFiles = 1 });
    }

    [Fact]
    public void Open_ValidLayout_OrdersSamplesLikeTorchvisionImageFolder()
    {
        AddValidLayout();

        var dataset = ImageFolderDataset.Open(_folder.Root);

        var paths = Enumerable.Range(0, 5).Select(i => Path.GetRelativePath(_folder.Root, dataset.GetPath(1, i)).Replace('\\', '/'));
        paths.Should().Equal("photo/Bird/y.png", "photo/dog/a.jpg", "photo/dog/b.PNG", "photo/dog/sub/c.png", "photo/ice_cream/x.jpeg");
        Enumerable.Range(0, 5).Select(i => dataset.GetLabel(1, i)).Should().Equal(0L, 1L, 1L, 1L, 2L);
    }

    [Fact]
    public void Load_ReturnsPixelsLabelDomainAndAKeyOfPathAndFileHash()
    {
        AddValidLayout();
        var dataset = ImageFolderDataset.Open(_folder.Root);

        var sample = dataset.Load(1, 2);

        sample.Label.Should().Be(1);
        sample.Domain.Should().Be(1);
        sample.Index.Should().Be(2);
        sample.Key.Path.Should().Be("photo/dog/b.PNG");
        var bytes = File.ReadAllBytes(Path.Combine(_folder.Root, "photo/dog/b.PNG"));
        sample.Key.Sha256.Should().Be(Convert.ToHexString(SHA256.HashData(bytes)).ToLowerInvariant());
        sample.Image.Pixels.Should().Equal(TempImageFolder.Planar(TempImageFolder.PatternRgba(12, 10, seed: 1)));
    }

    [Fact]
    public void DomainSizes_FeedDomainSplit()
    {
        AddValidLayout();
        var dataset = ImageFolderDataset.Open(_folder.Root);

        var split = DomainSplit.LeaveOneOut(dataset.DomainSizes, "photo");

        split.TrainDomains.Single().Name.Should().Be("art_painting");
        split.TrainDomains.Single().Count.Should().Be(5);
    }

    [Fact]
    public void Open_MissingRoot_ThrowsNamingThePath()
    {
        var missing = Path.Combine(_folder.Root, "nope");

        var act = () => ImageFolderDataset.Open(missing);

        act.Should().Throw<DirectoryNotFoundException>().WithMessage($"The dataset folder '{missing}' does not exist.*");
    }

    [Fact]
    public void Open_BadLayout_ThrowsOnceListingEveryProblem()
    {
        foreach (var domain in new[] { "art", "sketch" })
        {
            _folder.Add($"{domain}/cat/ok.png");
            _folder.AddFolder($"{domain}/dog");
        }
        _folder.Add("art/dog/ok.png");
        _folder.Add("sketch/horse/h.png");
        var corrupt = _folder.AddBytes("art/cat/bad.png", "garbage, not a png file at all: 0123456789"u8.ToArray());

        var act = () => ImageFolderDataset.Open(_folder.Root);

        var e = act.Should().Throw<DatasetValidationException>().Which;
        e.Problems.Should().HaveCount(3);
        e.Problems[0].Should().Be("Class folder 'horse' exists in domain [sketch] but not in [art]; every domain must have the same class folders.");
        e.Problems[1].Should().Be($"Class folder '{Path.Combine(_folder.Root, "sketch", "dog")}' has no images (.jpg, .jpeg or .png); add images or remove the folder from every domain.");
        e.Problems[2].Should().StartWith($"Image '{corrupt}' cannot be decoded: the data is not a PNG or JPEG image");
        e.Message.Should().StartWith($"The dataset at '{_folder.Root}' is invalid (3 problems):");
    }

    [Fact]
    public void Open_DomainWithoutClassFolders_IsNamed()
    {
        _folder.Add("a/cat/1.png");
        _folder.AddFolder("b");

        var act = () => ImageFolderDataset.Open(_folder.Root);

        act.Should().Throw<DatasetValidationException>().Which.Problems.Should().Equal(
            $"Domain folder '{Path.Combine(_folder.Root, "b")}' has no class folders; expected ROOT/<domain>/<class>/<image>.",
            "Class folder 'cat' exists in domain [a] but not in [b]; every domain must have the same class folders.");
    }

    [Fact]
    public void Open_TruncatedJpeg_IsFoundByFullDecodingButNotByHeaderCheck()
    {
        foreach (var domain in new[] { "a", "b" }) _folder.Add($"{domain}/cat/ok.png");
        var jpeg = TempImageFolder.Encode(TempImageFolder.Pattern(64, 64, 9), SKEncodedImageFormat.Jpeg);
        var truncated = _folder.AddBytes("a/cat/cut.jpg", jpeg[..(jpeg.Length * 2 / 3)]);

        var decode = () => ImageFolderDataset.Open(_folder.Root);
        var header = ImageFolderDataset.Open(_folder.Root, new ImageFolderOptions { Validation = ImageValidation.Header });

        decode.Should().Throw<DatasetValidationException>().Which.Problems.Should()
            .ContainSingle().Which.Should().StartWith($"Image '{truncated}' cannot be decoded: the data is truncated");
        header.DomainSizes[0].Count.Should().Be(2);
        var load = () => header.Load(0, 0); // cut.jpg sorts before ok.png
        load.Should().Throw<InvalidDataException>().WithMessage($"Image '{truncated}'*");
    }

    [Fact]
    public void Open_SkipInvalidImages_LeavesThemOutAndCountsThem()
    {
        foreach (var domain in new[] { "a", "b" })
        {
            _folder.Add($"{domain}/cat/1.png");
            _folder.Add($"{domain}/cat/3.png");
        }
        var bad1 = _folder.AddBytes("a/cat/2.png", new byte[100]);
        var bad2 = _folder.AddBytes("b/cat/0.jpg", "nope"u8.ToArray());

        var dataset = ImageFolderDataset.Open(_folder.Root, new ImageFolderOptions { SkipInvalidImages = true });

        dataset.Report.SkippedCount.Should().Be(2);
        dataset.Report.Skipped.Select(s => s.Path).Should().Equal(bad1, bad2);
        dataset.Report.Skipped[0].Reason.Should().Contain("cannot be decoded");
        dataset.DomainSizes.Should().Equal(new DomainSize("a", 2), new DomainSize("b", 2));
        dataset.GetPath(0, 1).Should().EndWith("3.png");
    }

    [Fact]
    public void Open_ImageFormatThatDomainBedWouldRead_IsAProblemNotSilentlyIgnored()
    {
        foreach (var domain in new[] { "a", "b" }) _folder.Add($"{domain}/cat/1.png");
        var bmp = _folder.AddBytes("a/cat/0.BMP", new byte[64]);
        _folder.AddBytes("a/cat/readme.md", new byte[3]);

        var act = () => ImageFolderDataset.Open(_folder.Root, new ImageFolderOptions { Validation = ImageValidation.None });
        var skipping = ImageFolderDataset.Open(_folder.Root, new ImageFolderOptions { SkipInvalidImages = true });

        act.Should().Throw<DatasetValidationException>().Which.Problems.Should().Equal(
            $"Image '{bmp}' is a .BMP file, but only .jpg, .jpeg and .png are read; DomainBed would include it, so sample indices and splits would differ. Convert it to PNG or delete it.");
        skipping.Report.Skipped.Should().ContainSingle().Which.Path.Should().Be(bmp);
        skipping.Report.IgnoredFiles.Should().Be(1);
    }

    [Fact]
    public void Open_SkipInvalidImages_StillFailsWhenAClassIsLeftEmpty()
    {
        _folder.Add("a/cat/1.png");
        _folder.AddBytes("b/cat/1.png", new byte[10]);

        var act = () => ImageFolderDataset.Open(_folder.Root, new ImageFolderOptions { SkipInvalidImages = true });

        act.Should().Throw<DatasetValidationException>().Which.Problems.Should().ContainSingle()
            .Which.Should().Be($"Class folder '{Path.Combine(_folder.Root, "b", "cat")}' has no valid images left after skipping the invalid ones; add images or remove the folder from every domain.");
    }

    [Fact]
    public void Open_ExpectedDescriptor_NamesMissingAndUnexpectedFolders()
    {
        foreach (var domain in new[] { "art_painting", "cartoon", "photo", "drawing" })
        {
            foreach (var cls in DomainBedDatasets.Pacs.ClassFolders.Where(c => c != "person").Append("people"))
                _folder.Add($"{domain}/{cls}/1.png");
        }

        var act = () => ImageFolderDataset.Open(_folder.Root, new ImageFolderOptions { Expected = DomainBedDatasets.Pacs, Validation = ImageValidation.None });

        act.Should().Throw<DatasetValidationException>().Which.Problems.Should().Equal(
            "The domain folders do not match PACS: missing [sketch], unexpected [drawing]; expected [art_painting, cartoon, photo, sketch].",
            "The class folders do not match PACS: missing [person], unexpected [people].");
    }
}
