using Attestation.LoadTest;

return await LoadTestApplication.RunAsync(args, Console.Out, Console.Error);
