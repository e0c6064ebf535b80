import {
  ActionIcon,
  Alert,
  Button,
  FileButton,
  Group,
  Image,
  Input,
  Paper,
  SegmentedControl,
  Stack,
  Text,
  Textarea,
  Tooltip,
} from "@mantine/core";
import {
  IconBold,
  IconItalic,
  IconLink,
  IconPhoto,
  IconSeparator,
  IconTrash,
  IconUnderline,
} from "@tabler/icons-react";
import { lazy, Suspense, useEffect, useMemo, useRef, useState } from "react";
import { useTranslation } from "react-i18next";
import { LOGO_MAX_BYTES, LOGO_MIME_TYPES, SIGNATURE_MAX_CHARS } from "../../../../src/domain/smtp-server.js";
import { sanitizeSignature } from "../../../../src/registry/signature.js";
import type { Logo } from "./formModel.js";

// Tiptap and its styles are a separate chunk, loaded when a form opens (the mode check below needs it).
const VisualSignature = lazy(() =>
  import("./VisualSignature.js").then((m) => ({ default: m.VisualSignature })),
);
const keepsSignature = (html: string) => import("./VisualSignature.js").then((m) => m.keepsSignature(html));

const LOGO_TAG = '<img src="cid:logo" alt="Logo" style="height: 60px">';

/**
 * What the recipient sees: the signature through the server's own sanitiser (same sanitize-html options),
 * the logo first when the signature does not place it (like src/sending/compose.ts), `cid:logo` shown
 * with the picked image.
 */
export function signaturePreviewDocument(signatureHtml: string, logo: Logo | null): string {
  const safe = sanitizeSignature(signatureHtml);
  const logoUrl = logo ? `data:${logo.mimeType};base64,${logo.data}` : null;
  const placesLogo = safe.includes("cid:logo");
  let body = safe;
  if (logoUrl && !placesLogo) body = `<img src="cid:logo" alt="" style="max-height: 80px"><br>${safe}`;
  // Only the base64 alphabet can come from logoUrl, so this replacement cannot open an attribute.
  body = logoUrl ? body.replaceAll('src="cid:logo"', `src="${logoUrl}"`) : body;
  return `<!doctype html><html><head><meta charset="utf-8"><style>body{font-family:Arial,Helvetica,sans-serif;font-size:14px;color:#222;margin:12px}</style></head><body>${body}</body></html>`;
}

export interface SignatureEditorProps {
  value: string;
  onChange(value: string): void;
  logo: Logo | null;
  onLogo(logo: Logo | null): void;
  signatureError?: string | undefined;
  logoError?: string | undefined;
}

/**
 * The signature in two modes: "Mise en forme" (rich text) and "HTML" (source with a small toolbar, for
 * hand-written signatures with tables and styles the visual editor would not keep); the logo upload; a live,
 * sandboxed preview. A form opens in the visual mode unless that mode would change the signature.
 */
export function SignatureEditor(props: SignatureEditorProps) {
  const { t } = useTranslation("registry");
  const textarea = useRef<HTMLTextAreaElement>(null);
  // HTML until the check below says the visual editor keeps this signature (an empty one: visual at once).
  const [mode, setMode] = useState<"visual" | "html">(() => (props.value.trim() === "" ? "visual" : "html"));
  const [lossy, setLossy] = useState(false);
  const opened = useRef({ value: props.value, chosen: false });
  useEffect(() => {
    let live = true;
    void keepsSignature(opened.current.value).then((keeps) => {
      if (!live) return;
      setLossy(!keeps);
      // Decided once, from the signature the form opened with, unless the admin picked a mode meanwhile.
      if (keeps && !opened.current.chosen) setMode("visual");
    });
    return () => {
      live = false;
    };
  }, []);
  const [logoProblem, setLogoProblem] = useState<string | null>(null);
  const preview = useMemo(() => signaturePreviewDocument(props.value, props.logo), [props.value, props.logo]);
  const empty = props.value.trim() === "" && !props.logo;

  /** Wraps the selection (or inserts at the caret) and keeps the caret where the admin expects it. */
  function wrap(before: string, after = "") {
    const element = textarea.current;
    const start = element?.selectionStart ?? props.value.length;
    const end = element?.selectionEnd ?? props.value.length;
    const next =
      props.value.slice(0, start) + before + props.value.slice(start, end) + after + props.value.slice(end);
    props.onChange(next);
    requestAnimationFrame(() => {
      element?.focus();
      element?.setSelectionRange(start + before.length, end + before.length);
    });
  }

  function link() {
    const url = window.prompt(t("form.linkPrompt"), "https://");
    if (!url || !/^(https?:|mailto:|tel:)/i.test(url)) return;
    wrap(`<a href="${url.replace(/"/g, "%22")}">`, "</a>");
  }

  function pickLogo(file: File | null) {
    setLogoProblem(null);
    if (!file) return;
    if (!(LOGO_MIME_TYPES as readonly string[]).includes(file.type))
      return setLogoProblem(t("form.logoBadType"));
    if (file.size > LOGO_MAX_BYTES)
      return setLogoProblem(t("form.logoTooBig", { size: Math.ceil(file.size / 1024) }));
    const reader = new FileReader();
    reader.onload = () => {
      const url = String(reader.result);
      props.onLogo({ mimeType: file.type as Logo["mimeType"], data: url.slice(url.indexOf(",") + 1) });
    };
    reader.readAsDataURL(file);
  }

  const tools = [
    { label: t("form.bold"), icon: IconBold, run: () => wrap("<strong>", "</strong>") },
    { label: t("form.italic"), icon: IconItalic, run: () => wrap("<em>", "</em>") },
    { label: t("form.underline"), icon: IconUnderline, run: () => wrap("<u>", "</u>") },
    { label: t("form.link"), icon: IconLink, run: link },
    { label: t("form.lineBreak"), icon: IconSeparator, run: () => wrap("<br>\n") },
    { label: t("form.insertLogo"), icon: IconPhoto, run: () => wrap(LOGO_TAG) },
  ];

  return (
    <Stack gap="sm">
      <Input.Wrapper
        label={t("form.signature")}
        description={t("form.signatureHelp")}
        error={props.signatureError}
        id="signature-wrapper"
      >
        <SegmentedControl
          size="xs"
          mt={4}
          mb={4}
          value={mode}
          onChange={(next) => {
            opened.current.chosen = true;
            if (next === "visual") void keepsSignature(props.value).then((keeps) => setLossy(!keeps));
            setMode(next as "visual" | "html");
          }}
          aria-label={t("form.signatureMode")}
          data-testid="signature-mode"
          data={[
            { value: "visual", label: t("form.signatureModeVisual") },
            { value: "html", label: t("form.signatureModeHtml") },
          ]}
        />
        {mode === "visual" ? (
          <Stack gap={4}>
            {lossy && (
              <Alert color="yellow" variant="light" p="xs" data-testid="signature-lossy">
                <Text size="xs">{t("form.signatureLossy")}</Text>
              </Alert>
            )}
            <Suspense
              fallback={
                <Text size="sm" c="dimmed">
                  …
                </Text>
              }
            >
              <VisualSignature value={props.value} onChange={props.onChange} />
            </Suspense>
          </Stack>
        ) : (
          <>
            <Group gap={4} role="toolbar" aria-label={t("form.signatureToolbar")} mt={4} mb={4}>
              {tools.map(({ label, icon: Icon, run }) => (
                <Tooltip key={label} label={label} withArrow>
                  <ActionIcon variant="default" aria-label={label} onClick={run}>
                    <Icon size={16} aria-hidden />
                  </ActionIcon>
                </Tooltip>
              ))}
            </Group>
            <Textarea
              ref={textarea}
              aria-label={t("form.signature")}
              value={props.value}
              onChange={(event) => props.onChange(event.currentTarget.value)}
              autosize
              minRows={4}
              maxRows={12}
              maxLength={SIGNATURE_MAX_CHARS}
              styles={{ input: { fontFamily: "ui-monospace, monospace", fontSize: 13 } }}
              placeholder="<p><strong>Exemple SARL</strong><br>01 23 45 67 89</p>"
              data-testid="signature-input"
              error={Boolean(props.signatureError)}
            />
          </>
        )}
      </Input.Wrapper>

      <Input.Wrapper
        label={t("form.logo")}
        description={t("form.logoHelp")}
        error={logoProblem ?? props.logoError}
      >
        <Group gap="sm" mt={4}>
          {props.logo && (
            <Image
              src={`data:${props.logo.mimeType};base64,${props.logo.data}`}
              alt={t("form.logoCurrent")}
              h={40}
              w="auto"
              fit="contain"
            />
          )}
          <FileButton onChange={pickLogo} accept={LOGO_MIME_TYPES.join(",")}>
            {(buttonProps) => (
              <Button
                {...buttonProps}
                variant="default"
                size="xs"
                leftSection={<IconPhoto size={14} aria-hidden />}
                data-testid="logo-pick"
              >
                {t("form.logoPick")}
              </Button>
            )}
          </FileButton>
          {props.logo && (
            <Button
              variant="subtle"
              color="red"
              size="xs"
              leftSection={<IconTrash size={14} aria-hidden />}
              onClick={() => props.onLogo(null)}
            >
              {t("form.logoRemove")}
            </Button>
          )}
        </Group>
      </Input.Wrapper>

      <div>
        <Text size="sm" fw={500} mb={4}>
          {t("form.preview")}
        </Text>
        {empty ? (
          <Paper withBorder p="sm" c="dimmed">
            <Text size="sm">{t("form.previewEmpty")}</Text>
          </Paper>
        ) : (
          // sandbox="" : no script, no form, no navigation, opaque origin — even if something slipped through.
          <iframe
            className="signature-preview"
            sandbox=""
            srcDoc={preview}
            title={t("form.previewFrame")}
            data-testid="signature-preview"
          />
        )}
      </div>
    </Stack>
  );
}
