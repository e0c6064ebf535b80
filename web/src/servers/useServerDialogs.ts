import { useRef, useState } from "react";
import type { SmtpServerView } from "../api/servers.js";

export type FormState = { mode: "create" } | { mode: "edit"; id: number } | null;

/**
 * Which of the servers page's dialogs is open (form, delete, test, bulk test) and for which server.
 * Dialogs unmount when closed, before Mantine could give focus back: the opener is remembered on open and
 * focused again on close (the "add" button when the opener is gone, e.g. a deleted server's row).
 */
export function useServerDialogs() {
  const [form, setForm] = useState<FormState>(null);
  const [deleting, setDeleting] = useState<SmtpServerView | null>(null);
  const [testing, setTesting] = useState<SmtpServerView | null>(null);
  const [bulk, setBulk] = useState<SmtpServerView[] | null>(null);
  const opener = useRef<HTMLElement | null>(null);

  const rememberOpener = () => {
    opener.current = document.activeElement instanceof HTMLElement ? document.activeElement : null;
  };
  const returnFocus = () =>
    requestAnimationFrame(() => {
      const target = opener.current?.isConnected
        ? opener.current
        : document.querySelector<HTMLElement>('[data-testid="add-server"]');
      target?.focus();
    });
  const opening =
    <Value>(set: (value: Value) => void) =>
    (value: Value) => {
      rememberOpener();
      set(value);
    };
  const closing = (close: () => void) => () => {
    close();
    returnFocus();
  };

  return {
    form,
    deleting,
    testing,
    bulk,
    openForm: opening(setForm),
    /** The empty table's "add" link: no opener to remember (focus goes to the add button). */
    openFormWithoutOpener: setForm,
    openDelete: opening(setDeleting),
    openTest: opening(setTesting),
    openBulk: opening(setBulk),
    closeForm: closing(() => setForm(null)),
    closeDelete: closing(() => setDeleting(null)),
    closeTest: closing(() => setTesting(null)),
    closeBulk: closing(() => setBulk(null)),
    /** The form's Suspense fallback closes without moving focus, as it always did. */
    dropForm: () => setForm(null),
  };
}
