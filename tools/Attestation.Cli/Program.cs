using Attestation.Cli;

return await CliApplication.RunAsync(args, Console.Out, Console.Error, TimeProvider.System).ConfigureAwait(false);
