using System.Net;
using System.Net.Sockets;
using DurableTask.AzureStorage;
using DurableTask.Core;
using Grpc.Net.Client;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.DurableTask.Client;
using Microsoft.DurableTask.Testing.Sidecar.Grpc;
using Microsoft.DurableTask.Worker;
using Transactions.Orchestration;
using Transactions.Storage;

namespace FunctionApp.Tracking;

/// <summary>
/// Runs the tracking orchestration durably without the Functions host: the Durable Task worker and client talk gRPC to
/// an in-process sidecar (Durable Task's <see cref="TaskHubGrpcServer"/>) on a loopback port, which runs on
/// <see cref="AzureStorageOrchestrationService"/> — the task hub in Azure Storage (Azurite locally) that Durable
/// Functions uses in Azure. Settings: <c>Durable:*</c> (see <see cref="DurableRuntimeOptions"/>).
/// </summary>
public static class DurableTrackingRuntime
{
    public static IServiceCollection AddDurableTracking(this IServiceCollection services, IConfiguration configuration, StorageOptions storage)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        ArgumentNullException.ThrowIfNull(storage);
        var options = DurableRuntimeOptions.From(configuration, storage.NamePrefix);
        var channel = GrpcChannel.ForAddress($"http://127.0.0.1:{FreeLoopbackPort()}");
        services.AddSingleton(options);
        services.AddSingleton(_ => new AzureStorageOrchestrationService(new AzureStorageOrchestrationServiceSettings
        {
            StorageAccountClientProvider = storage.ConnectionString is { Length: > 0 } connectionString
                ? new StorageAccountClientProvider(connectionString)
                : new StorageAccountClientProvider(AccountName(storage.QueueServiceUri!), storage.Credential!),
            TaskHubName = options.TaskHub,
            PartitionCount = options.PartitionCount,
            MaxQueuePollingInterval = options.MaxQueuePollingInterval,
        }));

        // Registered before the worker, so the sidecar listens before the worker connects and stops after it.
        services.AddHostedService(provider => new DurableTaskSidecar(
            provider.GetRequiredService<AzureStorageOrchestrationService>(), channel.Target, provider.GetRequiredService<ILoggerFactory>()));
        services.AddSingleton<ITrackingObserver, TrackingObserver>();
        services.AddSingleton<TrackingActivities>();
        services.AddSingleton<TransactionTracking>();
        services.AddDurableTaskWorker(builder =>
        {
            builder.UseGrpc(channel);
            builder.AddTasks(registry => registry
                .AddOrchestrator<TrackingOrchestration>(TrackingOrchestration.Name)
                .AddActivity<ReadGatewayActivity>(TrackingOrchestration.ReadGatewayActivity)
                .AddActivity<RecordChangeActivity>(TrackingOrchestration.RecordChangeActivity));
        });
        services.AddDurableTaskClient(builder => builder.UseGrpc(channel));
        return services;
    }

    private static int FreeLoopbackPort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private static string AccountName(Uri serviceUri) => serviceUri.Host.Split('.')[0];

    private sealed class ReadGatewayActivity(TrackingActivities activities) : Microsoft.DurableTask.TaskActivity<GatewayReadRequest, GatewayReadResult>
    {
        public override Task<GatewayReadResult> RunAsync(Microsoft.DurableTask.TaskActivityContext context, GatewayReadRequest input) =>
            activities.ReadGatewayAsync(input, CancellationToken.None);
    }

    private sealed class RecordChangeActivity(TrackingActivities activities) : Microsoft.DurableTask.TaskActivity<TrackerChange, bool>
    {
        public override async Task<bool> RunAsync(Microsoft.DurableTask.TaskActivityContext context, TrackerChange input)
        {
            await activities.RecordChangeAsync(input, CancellationToken.None);
            return true;
        }
    }
}

/// <summary><c>Durable:*</c> settings of the local durable runtime.</summary>
/// <param name="TaskHub">Task hub name (letters and digits); defaults to the storage name prefix + "tracking".</param>
/// <param name="PartitionCount">Control-queue partitions: one host needs one.</param>
/// <param name="MaxQueuePollingInterval">The longest pause between polls of an idle queue: the latency of a signal or timer after a quiet spell.</param>
public sealed record DurableRuntimeOptions(string TaskHub, int PartitionCount, TimeSpan MaxQueuePollingInterval)
{
    public const string Section = "Durable";

    public static DurableRuntimeOptions From(IConfiguration configuration, string namePrefix)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        var section = configuration.GetSection(Section);
        var hub = section["TaskHub"] is { Length: > 0 } named ? named : new string([.. (namePrefix + "tracking").Where(char.IsAsciiLetterOrDigit)]);
        return new DurableRuntimeOptions(
            hub,
            section.GetValue("PartitionCount", 1),
            section.GetValue("MaxQueuePollingInterval", TimeSpan.FromSeconds(1)));
    }
}

/// <summary>The Durable Task sidecar: a gRPC server on a loopback port over the Azure Storage orchestration service.</summary>
internal sealed class DurableTaskSidecar(AzureStorageOrchestrationService service, string address, ILoggerFactory loggerFactory) : IHostedService, IAsyncDisposable
{
    private WebApplication? server;

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        await service.CreateIfNotExistsAsync();
        var builder = WebApplication.CreateSlimBuilder();
        var port = new Uri(address).Port;
        builder.WebHost.ConfigureKestrel(kestrel => kestrel.Listen(IPAddress.Loopback, port, listen => listen.Protocols = HttpProtocols.Http2));
        builder.Services.AddSingleton(loggerFactory);
        builder.Services.AddGrpc();
        builder.Services.AddSingleton<IOrchestrationService>(service);
        builder.Services.AddSingleton<IOrchestrationServiceClient>(service);
        builder.Services.AddSingleton<TaskHubGrpcServer>();
        server = builder.Build();
        server.MapGrpcService<TaskHubGrpcServer>();
        await server.StartAsync(cancellationToken);
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        if (server is not null)
        {
            await server.StopAsync(cancellationToken);
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (server is not null)
        {
            await server.DisposeAsync();
        }
    }
}
