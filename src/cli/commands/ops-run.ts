import { backupDatabase, restoreDatabase } from "../../ops/backup.js";
import { t } from "../messages.js";
import { openContext, withContext } from "../runtime.js";

export async function backup(file: string, options: { withKey?: boolean }): Promise<void> {
  await withContext(async (ctx) => {
    const report = await backupDatabase(ctx, file, options.withKey);
    console.log(t("backup.done", { dialect: report.dialect, file: report.file, bytes: report.bytes }));
    console.log(
      report.keyFile
        ? t("backup.keyCopied", { file: report.keyFile })
        : t("backup.keyNotIncluded", {
            key: ctx.config.secretKey ? "FACTEUR_SECRET_KEY" : ctx.config.keyFile,
          }),
    );
  });
}

export async function restore(file: string): Promise<void> {
  const ctx = await openContext({ logLevel: "warn", migrate: false });
  await restoreDatabase(ctx, file);
  console.log(t("restore.done"));
}
