import { useQueryClient } from "@tanstack/react-query";
import { createContext, useCallback, useContext, useEffect, useMemo, useState, type ReactNode } from "react";
import i18n, { currentLang, isLang, LANG_STORAGE_KEY, type Lang } from "../i18n.js";
import { fetchFirstRunStatus, fetchSession, logout, saveLang } from "./auth.js";
import { ApiError, setCsrfToken, setUnauthenticatedHandler } from "./client.js";

export type SessionState =
  | { status: "loading" }
  | { status: "needsFirstRun" }
  | { status: "anonymous"; expired: boolean }
  | { status: "signedIn"; email: string }
  | { status: "unreachable"; error: ApiError };

interface SessionApi {
  session: SessionState;
  /** Called after login or setup succeeded with the API's answer. */
  signedIn(email: string, csrfToken: string): void;
  signOut(): Promise<void>;
  reload(): void;
  setLang(lang: Lang): Promise<void>;
}

const SessionContext = createContext<SessionApi | null>(null);

/** Who is signed in (admin session cookie + CSRF token), first-run state and the UI language. */
export function SessionProvider({ children }: { children: ReactNode }) {
  const [session, setSession] = useState<SessionState>({ status: "loading" });
  const [generation, setGeneration] = useState(0);
  const queryClient = useQueryClient();

  useEffect(() => {
    let cancelled = false;
    void (async () => {
      try {
        const status = await fetchFirstRunStatus();
        if (cancelled) return;
        if (status.needsFirstRun) return setSession({ status: "needsFirstRun" });
        const answer = await fetchSession();
        if (cancelled) return;
        if (answer.principal?.kind === "admin" && answer.csrfToken) {
          setCsrfToken(answer.csrfToken);
          setSession({ status: "signedIn", email: answer.principal.email ?? "" });
        } else setSession({ status: "anonymous", expired: false });
      } catch (error) {
        if (cancelled) return;
        if (error instanceof ApiError && error.status === 401)
          setSession({ status: "anonymous", expired: false });
        else if (error instanceof ApiError) setSession({ status: "unreachable", error });
      }
    })();
    return () => {
      cancelled = true;
    };
  }, [generation]);

  useEffect(() => {
    setUnauthenticatedHandler(() => {
      setCsrfToken(undefined);
      queryClient.clear();
      setSession({ status: "anonymous", expired: true });
    });
    return () => setUnauthenticatedHandler(undefined);
  }, [queryClient]);

  const signedIn = useCallback((email: string, csrfToken: string) => {
    setCsrfToken(csrfToken);
    setSession({ status: "signedIn", email });
    // The server remembers the language in a cookie too, so the API answers (errors, exports) match the UI.
    void saveLang(currentLang()).catch(() => {});
  }, []);

  const signOut = useCallback(async () => {
    await logout().catch(() => {});
    setCsrfToken(undefined);
    queryClient.clear();
    setSession({ status: "anonymous", expired: false });
  }, [queryClient]);

  const setLang = useCallback(async (lang: Lang) => {
    await i18n.changeLanguage(lang);
    try {
      window.localStorage.setItem(LANG_STORAGE_KEY, lang);
    } catch {
      // storage disabled: the server cookie still remembers it
    }
    await saveLang(lang).catch(() => {});
  }, []);

  const value = useMemo<SessionApi>(
    () => ({ session, signedIn, signOut, reload: () => setGeneration((g) => g + 1), setLang }),
    [session, signedIn, signOut, setLang],
  );
  return <SessionContext.Provider value={value}>{children}</SessionContext.Provider>;
}

export function useSession(): SessionApi {
  const value = useContext(SessionContext);
  if (!value) throw new Error("useSession outside SessionProvider");
  return value;
}

/** Keeps <html lang> in step with the UI language (screen readers pronounce accordingly). */
export function useDocumentLang(): void {
  useEffect(() => {
    const apply = (lng: string) => {
      document.documentElement.lang = isLang(lng) ? lng : "fr";
    };
    apply(i18n.language);
    i18n.on("languageChanged", apply);
    return () => i18n.off("languageChanged", apply);
  }, []);
}
