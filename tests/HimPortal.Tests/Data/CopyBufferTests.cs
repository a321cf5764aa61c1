using HimPortal.Data.Bulk;
using HimPortal.Tests.Infrastructure;
using Npgsql;

namespace HimPortal.Tests.Data;

/// <summary>The import's own binary COPY encoding reads back, through Npgsql, as exactly the values written.</summary>
public sealed class CopyBufferTests(TestDatabase database) : IClassFixture<TestDatabase>
{
    private sealed record Row(Guid Id, Guid? Ref, string? Text, string? Json, byte[]? Bytes, bool Flag, short Small, int Number,
        DateOnly? Day, DateTimeOffset? At, decimal? Amount, string[]? Texts);

    private static readonly CopyTable<Row> Table = new("pg_temp", "copy_probe",
    [
        new("id", static (w, r) => w.Uuid(r.Id)),
        new("ref", static (w, r) => w.Uuid(r.Ref)),
        new("text", static (w, r) => w.Text(r.Text)),
        new("json", static (w, r) => w.Jsonb(r.Json)),
        new("bytes", static (w, r) => w.Bytea(r.Bytes)),
        new("flag", static (w, r) => w.Bool(r.Flag)),
        new("small", static (w, r) => w.Int2(r.Small)),
        new("number", static (w, r) => w.Int4(r.Number)),
        new("day", static (w, r) => w.Date(r.Day)),
        new("at", static (w, r) => w.TimestampTz(r.At)),
        new("amount", static (w, r) => w.Numeric(r.Amount)),
        new("texts", static (w, r) => w.TextArray(r.Texts)),
    ]);

    private static readonly decimal[] Amounts =
    [
        0m, 0.00m, 1m, -1.5m, 123.40m, 10000m, 99999999m, 0.0001m, 0.0000000001m, 12345678.9m, -0.05m, 250.123456m,
        decimal.MaxValue, decimal.MinValue, 1e-28m,
    ];

    [Fact]
    public async Task Every_type_the_clinical_tables_use_round_trips()
    {
        var rows = Amounts.Select((amount, i) => new Row(
            Guid.CreateVersion7(), i % 2 == 0 ? null : Guid.NewGuid(), i % 3 == 0 ? null : $"Cortés {i} ☃ 😀", $$"""{"n": {{i}}, "s": "é\u0001"}""",
            i % 4 == 0 ? null : [(byte)i, 0, 255], i % 2 == 0, (short)(i - 7), (i * 1000) - 3,
            i % 5 == 0 ? null : new DateOnly(1950 + (i * 5), 1 + (i % 12), 1 + i),
            i % 5 == 1 ? null : new DateTimeOffset(1969 + (i * 4), 7, 20, 20, 17, 40, TimeSpan.Zero).AddTicks(i * 12_345_670),
            amount, (i % 3) switch { 0 => null, 1 => [], _ => ["a", "Cortés", ""] })).ToList();

        await using var connection = new NpgsqlConnection(database.AppConnectionString);
        await connection.OpenAsync();
        await using (var create = new NpgsqlCommand("""
            CREATE TEMP TABLE copy_probe (id uuid, ref uuid, text text, json jsonb, bytes bytea, flag boolean, small smallint,
                number integer, day date, at timestamptz, amount numeric, texts text[])
            """, connection))
        {
            await create.ExecuteNonQueryAsync();
        }

        using (var buffer = new CopyBuffer())
        {
            foreach (var row in rows)
            {
                Table.Encode(buffer, row);
            }

            await using var copy = await connection.BeginRawBinaryCopyAsync($"COPY {Table.Name} ({Table.ColumnList}) FROM STDIN (FORMAT BINARY)");
            await copy.WriteAsync((byte[])[(byte)'P', (byte)'G', (byte)'C', (byte)'O', (byte)'P', (byte)'Y', (byte)'\n', 0xff, (byte)'\r', (byte)'\n', 0, 0, 0, 0, 0, 0, 0, 0, 0]);
            await copy.WriteAsync(buffer.Slice(0, buffer.Length));
            await copy.WriteAsync((byte[])[0xff, 0xff]);
        }

        await using var query = new NpgsqlCommand($"SELECT {Table.ColumnList}, amount::text, json::text FROM copy_probe", connection);
        await using var reader = await query.ExecuteReaderAsync();
        var read = new Dictionary<Guid, (Row Row, string? AmountText, string? JsonText)>();
        while (await reader.ReadAsync())
        {
            T? Get<T>(int i) => reader.IsDBNull(i) ? default : reader.GetFieldValue<T>(i);
            var row = new Row(reader.GetGuid(0), reader.IsDBNull(1) ? null : reader.GetGuid(1), Get<string>(2), Get<string>(3), Get<byte[]>(4),
                reader.GetBoolean(5), reader.GetInt16(6), reader.GetInt32(7), reader.IsDBNull(8) ? null : reader.GetFieldValue<DateOnly>(8),
                reader.IsDBNull(9) ? null : reader.GetFieldValue<DateTimeOffset>(9), reader.IsDBNull(10) ? null : reader.GetDecimal(10), Get<string[]>(11));
            read[row.Id] = (row, Get<string>(12), Get<string>(13));
        }

        read.Count.ShouldBe(rows.Count);
        foreach (var expected in rows)
        {
            var (actual, amountText, jsonText) = read[expected.Id];
            actual.Ref.ShouldBe(expected.Ref);
            actual.Text.ShouldBe(expected.Text);
            jsonText.ShouldBe($$"""{"n": {{rows.IndexOf(expected)}}, "s": "é\u0001"}""");
            actual.Bytes.ShouldBe(expected.Bytes);
            (actual.Flag, actual.Small, actual.Number, actual.Day).ShouldBe((expected.Flag, expected.Small, expected.Number, expected.Day));
            // PostgreSQL keeps microseconds: the ticks below are cut off, as Npgsql does.
            actual.At.ShouldBe(expected.At is { } at ? at.AddTicks(-(at.UtcTicks % 10)) : null);
            actual.Amount.ShouldBe(expected.Amount);
            amountText.ShouldBe(expected.Amount!.Value.ToString(System.Globalization.CultureInfo.InvariantCulture), "the scale is kept");
            actual.Texts.ShouldBe(expected.Texts);
        }
    }
}
