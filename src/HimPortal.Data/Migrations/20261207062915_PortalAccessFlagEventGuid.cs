using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace HimPortal.Data.Migrations
{
    /// <inheritdoc />
    public partial class PortalAccessFlagEventGuid : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            // audit.access_events ids are uuids; the column was bigint by mistake and holds no row yet (flags are new with
            // the portal), so no value needs converting (PostgreSQL has no cast from bigint to uuid).
            migrationBuilder.Sql("ALTER TABLE portal.access_flags ALTER COLUMN audit_event_id TYPE uuid USING NULL;");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.Sql("ALTER TABLE portal.access_flags ALTER COLUMN audit_event_id TYPE bigint USING NULL;");
        }
    }
}
