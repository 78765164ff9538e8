// vl2v: command-line front end of VL2V.Distillation. Each command lives in Commands/<Name>Command.cs.
return VL2V.Cli.CliApp.Run(args, Console.Out, Console.Error);
