using System.Text.Json;
using VL2V.Distillation.Internal;
using VL2V.Distillation.Tests.TestSupport;

namespace VL2V.Distillation.Tests;

public sealed class DomainSplitTests
{
    private static readonly JsonElement Root = Golden.Load("domainsplit_golden.json");

    private static readonly DomainSize[] Pacs =
    [
        new("art_painting", 2048), new("cartoon", 2344), new("photo", 1670), new("sketch", 3929),
    ];

    [Fact]
    public void SeedHash_EqualsDomainBedSeedHash()
    {
        foreach (var h in Root.GetProperty("seed_hash").EnumerateArray())
        {
            var args = h.GetProperty("args").EnumerateArray().Select(a => a.GetInt64()).ToArray();
            DomainBedSeed.Hash(args).Should().Be(h.GetProperty("hash").GetInt32(), $"seed_hash{string.Join(",", args)}");
        }
    }

    [Fact]
    public void Split_EqualsDomainBedSplitDataset()
    {
        foreach (var s in Root.GetProperty("splits").EnumerateArray())
        {
            int envIndex = s.GetProperty("env_index").GetInt32();
            int count = s.GetProperty("count").GetInt32();
            // Pad the dataset with other domains so the domain sits at DomainBed's env index.
            var domains = Enumerable.Range(0, Math.Max(envIndex + 1, 2))
                .Select(i => new DomainSize($"d{i}", i == envIndex ? count : 3)).ToList();
            var split = DomainSplit.LeaveOneOut(domains, domains[envIndex == 0 ? 1 : 0].Name,
                s.GetProperty("holdout_fraction").GetDouble(), s.GetProperty("trial_seed").GetInt32());
            var partition = split.Domains[envIndex];
            partition.Out.Should().Equal(Golden.Ints(s.GetProperty("out")), $"the out-part of env {envIndex} with {count} samples");
            partition.In.Should().Equal(Golden.Ints(s.GetProperty("in")), $"the in-part of env {envIndex} with {count} samples");
        }
    }

    [Fact]
    public void LeaveOneOut_AssignsRolesAndCoversEveryIndexOnce()
    {
        var split = DomainSplit.LeaveOneOut(Pacs, "sketch");
        split.TestDomains.Select(d => d.Name).Should().Equal("sketch");
        split.TrainDomains.Select(d => d.Name).Should().Equal("art_painting", "cartoon", "photo");
        foreach (var (partition, size) in split.Domains.Zip(Pacs))
        {
            partition.In.Concat(partition.Out).Order().Should().Equal(Enumerable.Range(0, size.Count), "every sample is in exactly one part");
            partition.Out.Count.Should().Be((int)(size.Count * 0.2));
            partition.Count.Should().Be(size.Count);
        }
        split.ToString().Should().Be("train [art_painting, cartoon, photo] → test [sketch] (holdout 0.2, trial seed 0)");
    }

    [Fact]
    public void Split_IsDeterministicAndIndependentOfTheTarget()
    {
        var first = DomainSplit.LeaveOneOut(Pacs, "sketch");
        var again = DomainSplit.LeaveOneOut(Pacs.ToArray(), "sketch");
        var otherTarget = DomainSplit.LeaveOneOut(Pacs, "photo");
        for (int i = 0; i < Pacs.Length; i++)
        {
            again.Domains[i].Out.Should().Equal(first.Domains[i].Out);
            otherTarget.Domains[i].Out.Should().Equal(first.Domains[i].Out, "DomainBed splits each domain the same way whatever the target");
        }
    }

    [Fact]
    public void TrialSeed_ChangesTheHeldOutSamples()
    {
        var a = DomainSplit.LeaveOneOut(Pacs, "sketch", trialSeed: 0);
        var b = DomainSplit.LeaveOneOut(Pacs, "sketch", trialSeed: 1);
        a.Domains[0].Out.Should().NotEqual(b.Domains[0].Out);
    }

    [Fact]
    public void AllLeaveOneOut_GivesOneSplitPerDomain()
    {
        var splits = DomainSplit.AllLeaveOneOut(Pacs);
        splits.Select(s => s.TestDomains.Single().Name).Should().Equal(Pacs.Select(d => d.Name));
        splits.Should().AllSatisfy(s => s.TrainDomains.Should().HaveCount(3));
    }

    [Fact]
    public void Create_SeveralTargetsAndExplicitSources()
    {
        var split = DomainSplit.Create(Pacs, testDomains: ["photo", "sketch"], trainDomains: ["cartoon"]);
        split.Domains.Select(d => d.Role).Should().Equal(DomainRole.Unused, DomainRole.Train, DomainRole.Test, DomainRole.Test);
    }

    [Fact]
    public void Create_EveryProblemIsListedInOneMessage()
    {
        var domains = new DomainSize[] { new("art", 10), new("cartoon", 0), new("art", 4) };
        var act = () => DomainSplit.Create(domains, ["skech", "art"], ["art"], holdoutFraction: 1.5);
        act.Should().Throw<ArgumentException>().Which.Message.Should().Be(string.Join(Environment.NewLine,
            "The domain split is invalid:",
            "- Domain 'art' appears 2 times; domain names must be unique.",
            "- Domain 'cartoon' has no samples (0); remove it or add images.",
            "- The holdout fraction must be in (0, 1), but was 1.5; DomainBed uses 0.2.",
            "- Unknown test domain 'skech'. Known domains: art, cartoon, art.",
            "- Domain 'art' is both a training and a test domain; a target domain must stay unseen.",
            "- No training domain is left after removing the test domains (skech, art)."));
    }

    [Theory]
    [InlineData(0.0)]
    [InlineData(1.0)]
    [InlineData(-0.2)]
    [InlineData(double.NaN)]
    public void HoldoutFractionOutsideOpenUnitInterval_Throws(double fraction)
    {
        var act = () => DomainSplit.LeaveOneOut(Pacs, "sketch", fraction);
        act.Should().Throw<ArgumentException>().WithMessage("*The holdout fraction must be in (0, 1)*");
    }

    [Fact]
    public void FewerThanTwoDomains_Throws()
    {
        var act = () => DomainSplit.LeaveOneOut([new DomainSize("photo", 10)], "photo");
        act.Should().Throw<ArgumentException>().WithMessage("*A domain split needs at least two domains, but 1 was given (photo).*");
    }

    [Fact]
    public void UnknownTestDomain_ListsKnownDomains()
    {
        var act = () => DomainSplit.LeaveOneOut(Pacs, "sketches");
        act.Should().Throw<ArgumentException>().WithMessage("*Unknown test domain 'sketches'. Known domains: art_painting, cartoon, photo, sketch.*");
    }
}
