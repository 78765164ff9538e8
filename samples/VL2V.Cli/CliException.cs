namespace VL2V.Cli;

/// <summary>A user error the command reports as one line (bad option combination, unreadable input).</summary>
internal sealed class CliException(string message) : Exception(message);
