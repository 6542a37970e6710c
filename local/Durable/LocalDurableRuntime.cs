using System.Net;
using System.Net.Sockets;
using DurableTask.AzureStorage;
using DurableTask.Core;
using Grpc.Net.Client;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.DurableTask.Client;
using Microsoft.DurableTask.Testing.Sidecar.Grpc;
using Microsoft.DurableTask.Worker;
using Microsoft.DurableTask;
using Transactions.Orchestration;
using Transactions.Tracking;
using FunctionApp.Tracking;
using Transactions.Storage;

namespace LocalHost.Durable;

/// <summary>
/// Runs the tracking orchestration durably without the Functions host: the Durable Task worker and client talk gRPC to
/// an in-process sidecar (Durable Task's <see cref="TaskHubGrpcServer"/>) on a loopback port, which runs on
/// <see cref="AzureStorageOrchestrationService"/> — the task hub in Azure Storage (Azurite locally) that Durable
/// Functions uses in Azure. Settings: <c>Durable:*</c> (see <see cref="DurableRuntimeOptions"/>).
/// </summary>
public static class LocalDurableRuntime
{
    public static IServiceCollection AddLocalDurableRuntime(this IServiceCollection services, IConfiguration configuration, StorageOptions storage)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        ArgumentNullException.ThrowIfNull(storage);
        var options = DurableRuntimeOptions.From(configuration, storage.NamePrefix);
        var sidecarPort = FreeLoopbackPort();
        var channel = GrpcChannel.ForAddress($"http://127.0.0.1:{sidecarPort}");
        services.AddSingleton(options);
        services.AddSingleton(provider => new AzureStorageOrchestrationService(new AzureStorageOrchestrationServiceSettings
        {
            LoggerFactory = provider.GetRequiredService<ILoggerFactory>(),
            StorageAccountClientProvider = ClientProvider(storage, provider.GetService<DurableStorageInstrumentation>()),
            TaskHubName = options.TaskHub,
            PartitionCount = options.PartitionCount,
            MaxQueuePollingInterval = options.MaxQueuePollingInterval,
            ControlQueueVisibilityTimeout = options.MessageVisibilityTimeout,
            WorkItemQueueVisibilityTimeout = options.MessageVisibilityTimeout,
        }));

        // Registered before the worker, so the sidecar listens before the worker connects and stops after it.
        services.AddHostedService(provider => new DurableTaskSidecar(
            provider.GetRequiredService<AzureStorageOrchestrationService>(), sidecarPort, provider.GetRequiredService<ILoggerFactory>()));
        services.AddDurableTaskClient(builder => builder.UseGrpc(channel).UseDefaultVersion(TrackingOrchestration.Version));
        if (!options.ProcessOrchestrations)
        {
            // The sidecar fetches work only while a worker is connected.
            return services;
        }

        services.AddDurableTaskWorker(builder =>
        {
            builder.UseGrpc(channel);
            builder.UseVersioning(new DurableTaskWorkerOptions.VersioningOptions
            {
                Version = TrackingOrchestration.Version,
                DefaultVersion = TrackingOrchestration.Version,
                MatchStrategy = DurableTaskWorkerOptions.VersionMatchStrategy.CurrentOrOlder,
                FailureStrategy = DurableTaskWorkerOptions.VersionFailureStrategy.Reject,
            });
            builder.AddTasks(registry => registry
                .AddActivity<ReadGatewayActivity>(TrackingOrchestration.ReadGatewayActivity)
                .AddActivity<RecordChangeActivity>(TrackingOrchestration.RecordChangeActivity));

            // Durable Task creates orchestrators without dependency injection; this one holds only immutable settings.
            builder.Services.AddOptions<DurableTaskRegistry>(builder.Name).Configure<TrackerTimings, MarketCalendar, ITrackingObserver>(
                (registry, timings, calendar, observer) => registry.AddOrchestrator(TrackingOrchestration.Name, new TrackingOrchestration(timings, calendar, observer)));
        });
        return services;
    }

    private static int FreeLoopbackPort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private static string AccountName(Uri serviceUri) => serviceUri.Host.Split('.')[0];

    private static StorageAccountClientProvider ClientProvider(StorageOptions storage, DurableStorageInstrumentation? instrumentation)
    {
        if (storage.ConnectionString is not { Length: > 0 } connectionString)
        {
            return new StorageAccountClientProvider(AccountName(storage.QueueServiceUri!), storage.Credential!);
        }

        return instrumentation is null
            ? new StorageAccountClientProvider(connectionString)
            : new StorageAccountClientProvider(
                StorageServiceClientProvider.ForBlob(connectionString, Instrumented(new Azure.Storage.Blobs.BlobClientOptions(), instrumentation)),
                StorageServiceClientProvider.ForQueue(connectionString, Instrumented(new Azure.Storage.Queues.QueueClientOptions(), instrumentation)),
                StorageServiceClientProvider.ForTable(connectionString, Instrumented(new Azure.Data.Tables.TableClientOptions(), instrumentation)));
    }

    private static T Instrumented<T>(T options, DurableStorageInstrumentation instrumentation)
        where T : Azure.Core.ClientOptions
    {
        foreach (var policy in instrumentation.Policies)
        {
            options.AddPolicy(policy, Azure.Core.HttpPipelinePosition.PerRetry);
        }

        return options;
    }

    private sealed class ReadGatewayActivity(TrackingActivities activities) : Microsoft.DurableTask.TaskActivity<GatewayReadRequest, GatewayReadResult>
    {
        public override Task<GatewayReadResult> RunAsync(TaskActivityContext context, GatewayReadRequest input) =>
            activities.ReadGatewayAsync(input, CancellationToken.None);
    }

    private sealed class RecordChangeActivity(TrackingActivities activities) : Microsoft.DurableTask.TaskActivity<TrackerChange, bool>
    {
        public override async Task<bool> RunAsync(TaskActivityContext context, TrackerChange input)
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
/// <param name="MessageVisibilityTimeout">How long a message a host has taken stays hidden: after a crash, how long before another host processes it.</param>
/// <param name="ProcessOrchestrations">False runs no orchestration worker: the host serves HTTP and raises signals, which wait in the task hub for a host that processes them (the bench measures the acknowledgement path alone so).</param>
public sealed record DurableRuntimeOptions(string TaskHub, int PartitionCount, TimeSpan MaxQueuePollingInterval, TimeSpan MessageVisibilityTimeout, bool ProcessOrchestrations = true)
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
            section.GetValue("MaxQueuePollingInterval", TimeSpan.FromSeconds(1)),
            section.GetValue("MessageVisibilityTimeout", TimeSpan.FromMinutes(5)),
            section.GetValue("ProcessOrchestrations", true));
    }
}

/// <summary>The Durable Task sidecar: a gRPC server on a loopback port over the Azure Storage orchestration service.</summary>
internal sealed class DurableTaskSidecar(AzureStorageOrchestrationService service, int port, ILoggerFactory loggerFactory) : IHostedService, IAsyncDisposable
{
    private readonly SidecarOrchestrationService dispatched = new(service);
    private WebApplication? server;

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        await service.CreateIfNotExistsAsync();
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.ConfigureKestrel(kestrel => kestrel.Listen(IPAddress.Loopback, port, listen => listen.Protocols = HttpProtocols.Http2));
        builder.Services.AddSingleton(loggerFactory);
        builder.Services.AddGrpc();
        builder.Services.AddSingleton<IOrchestrationService>(dispatched);
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

        // The sidecar's own stop does not wait for the service (and can wait an hour for work a gone worker never
        // returns): stop it here, so it stops polling and releases its partition at once; with storage gone that
        // never finishes, so the host's shutdown timeout bounds it.
        try
        {
            await dispatched.StopAsync(isForced: true).WaitAsync(cancellationToken);
        }
        catch (OperationCanceledException)
        {
            // Its partition lease expires on its own.
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
