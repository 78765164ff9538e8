namespace VL2V.Distillation.Teachers;

/// <summary>How far <see cref="TeacherCacheBuilder.Build"/> has come (reported after every batch, and returned at the end).</summary>
/// <param name="Processed">Items of this part looked at so far.</param>
/// <param name="Total">Items in this part (after removing duplicates).</param>
/// <param name="Computed">Items the teacher encoded.</param>
/// <param name="AlreadyCached">Items found in the cache (from earlier or other runs), not encoded again.</param>
/// <param name="TeacherCalls">Calls to <see cref="ITeacher.Encode"/>.</param>
/// <param name="ShardFilesWritten">Shard files written by this build.</param>
public readonly record struct TeacherCacheBuildProgress(long Processed, long Total, long Computed, long AlreadyCached, int TeacherCalls, int ShardFilesWritten);
