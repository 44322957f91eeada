using Lookout.Host.Cli;

return await LookoutCli.RunAsync(args);
