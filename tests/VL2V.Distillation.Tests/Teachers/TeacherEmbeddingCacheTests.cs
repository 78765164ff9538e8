using VL2V.Distillation.Teachers;
using VL2V.Distillation.Tests.Checkpoints;
using static VL2V.Distillation.Tests.Teachers.CacheTestData;

namespace VL2V.Distillation.Tests.Teachers;

public sealed class TeacherEmbeddingCacheTests
{
    private static readonly TeacherCacheOptions SmallShards = new() { ShardRows = 4 };

    [Fact]
    public void Read_AfterReopen_IsBitIdenticalAndSplitIntoShards()
    {
        using var folder = new TempFolder();
        var keys = Keys(10);
        using var rows = Rows(10);
        using (var cache = TeacherEmbeddingCache.Open(folder.Path, Fingerprint, 16, SmallShards))
        {
            cache.Add(keys, rows);
            cache.ShardFiles.Should().Be(2, "10 rows with ShardRows = 4 write two full shards and keep 2 pending");
            cache.PendingCount.Should().Be(2);
        }
        ShardFiles(folder.Path).Should().HaveCount(3);

        using var reopened = TeacherEmbeddingCache.Open(folder.Path, Fingerprint, 16);
        reopened.Count.Should().Be(10);
        using var read = reopened.Read(keys);
        BitEqual(read, rows).Should().BeTrue();
        using var shuffled = reopened.Read([keys[7], keys[0], keys[7]]);
        BitEqual(shuffled, rows.index_select(0, torch.tensor(new long[] { 7, 0, 7 }))).Should().BeTrue();
    }

    [Fact]
    public void Flush_WritesAStandardSafetensorsFileWithTheKeysInItsMetadata()
    {
        using var folder = new TempFolder();
        using var rows = Rows(3);
        using (var cache = TeacherEmbeddingCache.Open(folder.Path, Fingerprint, 16)) cache.Add(Keys(3), rows);
        string shard = ShardFiles(folder.Path).Single();

        var tensors = VL2V.Distillation.Checkpoints.StateDictFile.Read(shard);
        tensors.Keys.Should().Equal("image_embeds");
        BitEqual(tensors["image_embeds"], rows).Should().BeTrue();
        using var stream = File.OpenRead(shard);
        var header = VL2V.Distillation.Checkpoints.SafetensorsReader.ReadHeader(shard, stream, 1 << 20);
        header.Metadata["keys"].Should().Be(System.Text.Json.JsonSerializer.Serialize(Keys(3).Select(k => k.ContentAddress)));
        header.Metadata["fingerprint"].Should().Be(Fingerprint);
        header.DataStart.Should().Be(stream.Length - 3 * 16 * 4);
        (header.DataStart % 8).Should().Be(0, "the header is padded to a multiple of 8 bytes");
    }

    [Fact]
    public void Add_KeyAlreadyCached_KeepsTheFirstRow()
    {
        using var folder = new TempFolder();
        using var cache = TeacherEmbeddingCache.Open(folder.Path, Fingerprint, 16);
        using var first = Rows(3, seed: 1);
        using var second = Rows(3, seed: 2);
        cache.Add(Keys(3), first);
        cache.Add(Keys(3), second);
        cache.Count.Should().Be(3);
        using var read = cache.Read(Keys(3));
        BitEqual(read, first).Should().BeTrue();
    }

    [Fact]
    public void Read_Float16_IsCloseUnitNormAndTheSameBeforeAndAfterWriting()
    {
        using var folder = new TempFolder();
        var keys = Keys(5);
        using var rows = Rows(5);
        Tensor pending;
        using (var cache = TeacherEmbeddingCache.Open(folder.Path, Fingerprint, 16, new TeacherCacheOptions { DType = ScalarType.Float16 }))
        {
            cache.Add(keys, rows);
            pending = cache.Read(keys);
        }
        using var reopened = TeacherEmbeddingCache.Open(folder.Path, Fingerprint, 16);
        reopened.DType.Should().Be(ScalarType.Float16);
        using var stored = reopened.Read(keys);
        BitEqual(stored, pending).Should().BeTrue();
        stored.sub(rows).abs().max().item<float>().Should().BeLessThan(2e-3f);
        stored.norm(1).sub(1).abs().max().item<float>().Should().BeLessThan(1e-5f);
        pending.Dispose();
    }

    [Fact]
    public void Open_IgnoresTemporaryFilesOfAnInterruptedWriter()
    {
        using var folder = new TempFolder();
        using (var cache = TeacherEmbeddingCache.Open(folder.Path, Fingerprint, 16)) cache.Add(Keys(3), Rows(3));
        folder.Write("part000of001-00001.safetensors.0123abcd.tmp", [1, 2, 3, 4, 5]);
        using var reopened = TeacherEmbeddingCache.Open(folder.Path, Fingerprint, 16);
        reopened.Count.Should().Be(3);
        reopened.ShardFiles.Should().Be(1);
    }

    [Fact]
    public void Open_TruncatedShard_ThrowsNamingTheFile()
    {
        using var folder = new TempFolder();
        using (var cache = TeacherEmbeddingCache.Open(folder.Path, Fingerprint, 16)) cache.Add(Keys(3), Rows(3));
        string shard = ShardFiles(folder.Path).Single();
        var bytes = File.ReadAllBytes(shard);
        File.WriteAllBytes(shard, bytes[..^10]);

        var act = () => TeacherEmbeddingCache.Open(folder.Path, Fingerprint, 16);
        act.Should().Throw<InvalidDataException>()
            .WithMessage($"Teacher embedding file '{shard}' is invalid: *truncated file?*Delete this file and run TeacherCacheBuilder.Build again*");
    }

    [Fact]
    public void Open_DamagedData_FailsTheChecksumOrIsDroppedOnRequest()
    {
        using var folder = new TempFolder();
        var keys = Keys(6);
        using (var cache = TeacherEmbeddingCache.Open(folder.Path, Fingerprint, 16, SmallShards)) cache.Add(keys, Rows(6));
        string first = ShardFiles(folder.Path)[0];
        var bytes = File.ReadAllBytes(first);
        bytes[^3] ^= 0x40;
        File.WriteAllBytes(first, bytes);

        var act = () => TeacherEmbeddingCache.Open(folder.Path, Fingerprint, 16);
        act.Should().Throw<InvalidDataException>().WithMessage($"*'{first}'*does not match the SHA-256 in its header*");

        using var dropping = TeacherEmbeddingCache.Open(folder.Path, Fingerprint, 16, new TeacherCacheOptions { OnCorruptShard = CorruptShardPolicy.Drop });
        dropping.DroppedShards.Should().ContainSingle().Which.Should().Contain(first);
        dropping.Count.Should().Be(2);
        dropping.Missing(keys).Should().Equal(0, 1, 2, 3);
    }

    [Fact]
    public void Open_ShardOfAnotherTeacher_IsRejected()
    {
        using var folder = new TempFolder();
        using var other = new TempFolder();
        using (var cache = TeacherEmbeddingCache.Open(other.Path, "another-teacher", 16)) cache.Add(Keys(2), Rows(2));
        TeacherEmbeddingCache.Open(folder.Path, Fingerprint, 16).Dispose();
        string copied = Path.Combine(folder.Path, "copied-00000.safetensors");
        File.Copy(ShardFiles(other.Path).Single(), copied);

        var act = () => TeacherEmbeddingCache.Open(folder.Path, Fingerprint, 16);
        act.Should().Throw<InvalidDataException>().WithMessage($"*'{copied}'*computed for fingerprint 'another-teacher', not the manifest's '{Fingerprint}'*");
    }

    [Fact]
    public void Open_DifferentFingerprintDimOrDType_ThrowsWithTheFix()
    {
        using var folder = new TempFolder();
        TeacherEmbeddingCache.Open(folder.Path, Fingerprint, 16).Dispose();

        var fingerprint = () => TeacherEmbeddingCache.Open(folder.Path, "other", 16);
        fingerprint.Should().Throw<ArgumentException>().WithMessage(
            $"The teacher cache in '{folder.Path}' does not match: it was built for teacher fingerprint '{Fingerprint}' but 'other' was requested. " +
            "Use a separate folder per teacher fingerprint (e.g. Path.Combine(root, fingerprint)), or delete the folder to rebuild it.*");
        var dim = () => TeacherEmbeddingCache.Open(folder.Path, Fingerprint, 32);
        dim.Should().Throw<ArgumentException>().WithMessage("*its embeddings have D = 16 but D = 32 was requested*");
        var dtype = () => TeacherEmbeddingCache.Open(folder.Path, Fingerprint, 16, new TeacherCacheOptions { DType = ScalarType.Float16 });
        dtype.Should().Throw<ArgumentException>().WithMessage("*it stores F32 but DType = Float16 was requested*");
    }

    [Fact]
    public void Read_MissingKey_ThrowsNamingItAndHowToBuild()
    {
        using var folder = new TempFolder();
        using var cache = TeacherEmbeddingCache.Open(folder.Path, Fingerprint, 16);
        cache.Add(Keys(1), Rows(1));
        var key = Key(5, view: 2);
        var act = () => cache.Read([Keys(1)[0], key]);
        act.Should().Throw<KeyNotFoundException>().WithMessage($"*no embedding for sample key '{key}' (content address '{key.ContentAddress}')*TeacherCacheBuilder.Build*");
        cache.Missing([Keys(1)[0], key]).Should().Equal(1);
    }

    [Fact]
    public void Refresh_SeesShardsWrittenByAnotherProcess()
    {
        using var folder = new TempFolder();
        using var reader = TeacherEmbeddingCache.Open(folder.Path, Fingerprint, 16);
        using (var writer = TeacherEmbeddingCache.Open(folder.Path, Fingerprint, 16)) writer.Add(Keys(3), Rows(3));
        reader.Count.Should().Be(0);
        reader.Refresh().Should().Be(1);
        reader.Count.Should().Be(3);
    }

    [Fact]
    public void OpenExisting_NoManifest_Throws()
    {
        using var folder = new TempFolder();
        var act = () => TeacherEmbeddingCache.OpenExisting(folder.Path);
        act.Should().Throw<DirectoryNotFoundException>().WithMessage($"'{folder.Path}' is not a teacher cache: it has no manifest.json.*");
    }

    [Fact]
    public void Options_Invalid_ListsEveryProblem()
    {
        using var folder = new TempFolder();
        var act = () => TeacherEmbeddingCache.Open(folder.Path, Fingerprint, 16, new TeacherCacheOptions { DType = ScalarType.Int32, ShardRows = 0 });
        act.Should().Throw<ArgumentException>().WithMessage(
            "The 'TeacherCacheOptions' are invalid:" + Environment.NewLine +
            "- DType must be Float32, Float16 or null (was Int32)." + Environment.NewLine +
            "- ShardRows must be ≥ 1 (was 0).");
    }
}
