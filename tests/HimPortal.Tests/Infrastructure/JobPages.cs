using System.Net;

namespace HimPortal.Tests.Infrastructure;

public static class JobPages
{
    /// <summary>Reads a job's page until the job is finished (the page stops refreshing itself); returns the last response.</summary>
    public static async Task<HttpResponseMessage> WaitUntilFinishedAsync(HttpClient client, string jobPage, TimeSpan? timeout = null)
    {
        ArgumentNullException.ThrowIfNull(client);
        var deadline = DateTime.UtcNow + (timeout ?? TimeSpan.FromSeconds(60));
        while (true)
        {
            var response = await client.GetAsync(new Uri(jobPage, UriKind.Relative));
            response.StatusCode.ShouldBe(HttpStatusCode.OK);
            var html = await response.Content.ReadAsStringAsync();
            if (!html.Contains("http-equiv=\"refresh\"", StringComparison.Ordinal))
            {
                return response;
            }

            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"The job at {jobPage} did not finish in time:\n{html}");
            }

            await Task.Delay(100);
        }
    }
}
