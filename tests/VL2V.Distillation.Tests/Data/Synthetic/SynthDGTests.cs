using System.Text.RegularExpressions;
using VL2V.Distillation.Data.Synthetic;

namespace VL2V.Distillation.Tests.Data.Synthetic;

public sealed class SynthDGTests
{
    [Fact]
    public void Render_SameKey_IdenticalPixelsAndCaption()
    {
        foreach (var domain in SynthDG.AllDomains)
        {
            var a = SynthDG.Render(7, domain, 13, 32);
            var b = SynthDG.Render(7, domain, 13, 32);
            a.Image.Pixels.Should().Equal(b.Image.Pixels, $"{domain} must be a pure function of (seed, domain, index)");
            a.Caption.Should().Be(b.Caption);
        }
    }

    [Fact]
    public void Render_DifferentSeedIndexOrDomain_DifferentPixels()
    {
        var reference = SynthDG.Render(7, SynthDomain.Photo, 13, 32).Image.Pixels;
        SynthDG.Render(8, SynthDomain.Photo, 13, 32).Image.Pixels.Should().NotEqual(reference);
        SynthDG.Render(7, SynthDomain.Photo, 23, 32).Image.Pixels.Should().NotEqual(reference, "index 23 has the same class but another pose");
        SynthDG.Render(7, SynthDomain.Cartoon, 13, 32).Image.Pixels.Should().NotEqual(reference);
    }

    [Fact]
    public void Create_IsDeterministicAcrossCallsAndMatchesRender()
    {
        var options = new SynthDGOptions { Seed = 3, ImageSize = 32, SamplesPerDomain = 25, Domains = [SynthDomain.Sketch, SynthDomain.Photo] };
        var first = SynthDG.Create(options);
        var second = SynthDG.Create(options);
        first.Dataset.Domains.Should().Equal("sketch", "photo");
        first.Dataset.Classes.Should().Equal(SynthDG.ClassNames);
        for (int d = 0; d < 2; d++)
        {
            for (int i = 0; i < 25; i++)
            {
                var sample = first.Dataset.Load(d, i);
                sample.Key.Should().Be(second.Dataset.Load(d, i).Key, "the content hash covers every pixel");
                var rendered = SynthDG.Render(3, options.EffectiveDomains[d], i, 32);
                sample.Image.Pixels.Should().Equal(rendered.Image.Pixels);
                sample.Label.Should().Be(i % 10);
                first.Captions[d][i].Should().Be(rendered.Caption);
            }
        }
    }

    [Fact]
    public void Render_EveryClassAndDomain_DrawsAVisibleObjectAndAWellFormedCaption()
    {
        var grammar = new Regex(@"^(a photo|a sketch|a cartoon|a painting|an infrared photo|a pixel art image|a silhouette) of (a|an) (\w+ )?(\w+)$");
        foreach (var domain in SynthDG.AllDomains)
        {
            for (int label = 0; label < SynthDG.ClassNames.Count; label++)
            {
                foreach (int size in new[] { 32, 64 })
                {
                    var image = SynthDG.Render(11, domain, label + 10 * size, size);
                    image.Label.Should().Be(label);
                    image.Image.Width.Should().Be(size);
                    image.Image.Height.Should().Be(size);
                    var match = grammar.Match(image.Caption);
                    match.Success.Should().BeTrue($"'{image.Caption}' must follow the caption grammar");
                    match.Groups[4].Value.Should().Be(SynthDG.ClassNames[label]);
                    var noun = match.Groups[3].Success ? match.Groups[3].Value : SynthDG.ClassNames[label];
                    match.Groups[2].Value.Should().Be("aeiou".Contains(noun[0]) ? "an" : "a");
                    if (SynthDG.ShowsColour(domain))
                    {
                        image.Colour.Should().NotBeNull();
                        match.Groups[3].Value.Should().Be(image.Colour + " ");
                    }
                    else
                    {
                        image.Colour.Should().BeNull();
                        match.Groups[3].Success.Should().BeFalse();
                    }
                    image.Caption.Split(' ').Should().BeSubsetOf(SynthDG.CaptionWords);
                    // The object must show: enough pixels differ from the image's most common colour (the background).
                    var pixels = image.Image.Pixels;
                    int n = size * size;
                    var colours = Enumerable.Range(0, n).Select(p => (pixels[p] / 16, pixels[n + p] / 16, pixels[2 * n + p] / 16)).ToList();
                    int distinct = colours.Distinct().Count();
                    distinct.Should().BeGreaterThan(1, $"{domain} {SynthDG.ClassNames[label]} must not be a flat image");
                }
            }
        }
    }

    [Fact]
    public void Render_ObjectShapeDiffersBetweenClasses_InTheSilhouetteDomain()
    {
        // Silhouettes reduce each image to a dark object mask (plus a few small dark birds).
        static bool[] Mask(int index) => SynthDG.Render(5, SynthDomain.Silhouette, index, 48).Image.Pixels.Take(48 * 48).Select(r => r < 40).ToArray();
        var masks = Enumerable.Range(0, 10).Select(Mask).ToList();
        foreach (var mask in masks) mask.Count(m => m).Should().BeGreaterThan(48 * 48 / 20, "the object covers a visible part of the image");
        for (int a = 0; a < 10; a++)
            for (int b = a + 1; b < 10; b++)
                masks[a].Should().NotEqual(masks[b]);
    }

    [Fact]
    public void ContactSheet_HasOneTilePerClassAndDomain_AndWritesAPng()
    {
        var sheet = SynthDG.ContactSheet(0, 32, [SynthDomain.Photo, SynthDomain.Sketch], gap: 2);
        sheet.Width.Should().Be(2 * 32 + 3 * 2);
        sheet.Height.Should().Be(10 * 32 + 11 * 2);
        var tile = SynthDG.Render(0, SynthDomain.Sketch, 3, 32).Image.Pixels;
        int top = 2 + 3 * 34, left = 2 + 34;
        for (int y = 0; y < 32; y++)
            sheet.Pixels.AsSpan((top + y) * sheet.Width + left, 32).ToArray().Should().Equal(tile.AsSpan(y * 32, 32).ToArray());

        var path = Path.Combine(Path.GetTempPath(), $"synthdg-{Guid.NewGuid():N}.png");
        try
        {
            SynthDG.WritePng(sheet, path, scale: 2);
            var bytes = File.ReadAllBytes(path);
            bytes.Take(8).Should().Equal(new byte[] { 137, 80, 78, 71, 13, 10, 26, 10 });
            using var decoded = SkiaSharp.SKBitmap.Decode(path);
            decoded.Width.Should().Be(2 * sheet.Width);
            var pixel = decoded.GetPixel(2 * left + 1, 2 * top + 1);
            pixel.Red.Should().Be(tile[0]);
            pixel.Green.Should().Be(tile[32 * 32]);
            pixel.Blue.Should().Be(tile[2 * 32 * 32]);
            Directory.GetFiles(Path.GetTempPath(), Path.GetFileName(path) + ".*.tmp").Should().BeEmpty();
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void Options_Invalid_ListsEveryProblem()
    {
        var options = new SynthDGOptions { ImageSize = 8, SamplesPerDomain = 0, Domains = [SynthDomain.Photo, SynthDomain.Photo] };
        var act = () => SynthDG.Create(options);
        act.Should().Throw<ArgumentException>()
            .WithMessage("*ImageSize must be in [16, 256]*(was 8)*SamplesPerDomain must be ≥ 1*Photo 2 times*");
    }
}
