import { Loader, Modal } from "@mantine/core";
import { lazy, Suspense } from "react";
import { useTranslation } from "react-i18next";
import { BulkTestDialog } from "./BulkTestDialog.js";
import { DeleteServerDialog } from "./DeleteServerDialog.js";
import { TestResultDialog } from "./TestResultDialog.js";
import type { useServerDialogs } from "./useServerDialogs.js";

// The form carries the shared zod schemas, zxcvbn and sanitize-html: loaded when first opened.
const ServerFormModal = lazy(() =>
  import("./form/ServerFormModal.js").then((m) => ({ default: m.ServerFormModal })),
);

/**
 * The servers page's dialogs: create/edit form, bulk test, test of one server, delete. `onChanged` refreshes
 * the table after a test (the stored result changed); saving and deleting refresh it themselves.
 */
export function ServerDialogs(props: { dialogs: ReturnType<typeof useServerDialogs>; onChanged(): void }) {
  const { t } = useTranslation(["registry", "common"]);
  const { dialogs, onChanged } = props;
  return (
    <>
      {dialogs.form && (
        <Suspense
          fallback={
            <Modal opened onClose={dialogs.dropForm} title={t("common:state.loading")}>
              <Loader />
            </Modal>
          }
        >
          <ServerFormModal
            serverId={dialogs.form.mode === "edit" ? dialogs.form.id : null}
            onClose={dialogs.closeForm}
            onSaved={dialogs.closeForm}
          />
        </Suspense>
      )}

      {dialogs.bulk && (
        <BulkTestDialog servers={dialogs.bulk} onClose={dialogs.closeBulk} onDone={onChanged} />
      )}
      {dialogs.testing && (
        <TestResultDialog server={dialogs.testing} onClose={dialogs.closeTest} onDone={onChanged} />
      )}

      <DeleteServerDialog server={dialogs.deleting} onClose={dialogs.closeDelete} />
    </>
  );
}
