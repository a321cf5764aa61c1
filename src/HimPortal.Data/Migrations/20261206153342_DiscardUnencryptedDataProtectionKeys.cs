using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace HimPortal.Data.Migrations
{
    /// <inheritdoc />
    public partial class DiscardUnencryptedDataProtectionKeys : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            // Keys stored before they were encrypted at rest are never used again (Security/EncryptedKeyRepository);
            // their secrets go too, so a later copy of the database holds none in the clear. Sessions signed with them end.
            migrationBuilder.Sql("DELETE FROM identity.data_protection_keys WHERE xml IS NULL OR xml NOT LIKE '%encryptedSecret%';");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            // Nothing to restore: deleted secrets stay deleted.
        }
    }
}
