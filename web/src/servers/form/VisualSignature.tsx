import { RichTextEditor, type RichTextEditorProps } from "@mantine/tiptap";
import "@mantine/tiptap/styles.css";
import { IconPhoto } from "@tabler/icons-react";
import Image from "@tiptap/extension-image";
import Link from "@tiptap/extension-link";
import { Editor, useEditor } from "@tiptap/react";
import StarterKit from "@tiptap/starter-kit";
import { useTranslation } from "react-i18next";

function extensions() {
  return [
    StarterKit.configure({ link: false, code: false, codeBlock: false, heading: { levels: [3, 4] } }),
    Link.configure({ openOnClick: false, protocols: ["mailto", "tel"], defaultProtocol: "https" }),
    // cid:logo is the server's own logo, attached to every mail; https images stay as they are.
    Image.configure({ inline: true, allowBase64: false }),
  ];
}

/** Markup with the insignificant whitespace between tags removed, to compare two renderings. */
function canonical(html: string): string {
  return html
    .replace(/>\s+</g, "><")
    .replace(/<p><\/p>/g, "")
    .replace(/\s+/g, " ")
    .trim();
}

/** What the visual editor would store for this HTML ("" when it is empty). */
export function visualHtml(editor: Editor): string {
  return editor.isEmpty ? "" : editor.getHTML();
}

/**
 * Whether editing `html` visually keeps it: the editor knows paragraphs, line breaks, bold, italic, underline,
 * strike, lists, quotes, headings, links and images; tables, fonts and inline styles of hand-written
 * signatures would be lost, so those open in the HTML tab.
 */
export function keepsSignature(html: string): boolean {
  if (html.trim() === "") return true;
  const probe = new Editor({ extensions: extensions(), content: html });
  try {
    return canonical(visualHtml(probe)) === canonical(html);
  } finally {
    probe.destroy();
  }
}

/** Mantine's control labels in the admin's language. */
function useLabels() {
  const { t } = useTranslation("registry");
  const key = (name: string) => t(`form.rte.${name}`);
  return {
    boldControlLabel: key("bold"),
    italicControlLabel: key("italic"),
    underlineControlLabel: key("underline"),
    strikeControlLabel: key("strike"),
    clearFormattingControlLabel: key("clear"),
    bulletListControlLabel: key("bulletList"),
    orderedListControlLabel: key("orderedList"),
    hrControlLabel: key("hr"),
    linkControlLabel: key("link"),
    unlinkControlLabel: key("unlink"),
    undoControlLabel: key("undo"),
    redoControlLabel: key("redo"),
    linkEditorInputLabel: key("linkInput"),
    linkEditorInputPlaceholder: "https://exemple.fr/",
    linkEditorExternalLink: key("linkExternal"),
    linkEditorInternalLink: key("linkInternal"),
    linkEditorSave: key("linkSave"),
  };
}

export interface VisualSignatureProps {
  value: string;
  onChange(value: string): void;
}

/** Rich-text editing of the signature (Tiptap through Mantine's RichTextEditor); the HTML it emits is sanitised on save. */
export function VisualSignature({ value, onChange }: VisualSignatureProps) {
  const { t } = useTranslation("registry");
  const labels = useLabels();
  // Built once with the value of the moment the tab opens; from then on the editor is the source of truth.
  const editor = useEditor({
    extensions: extensions(),
    content: value,
    immediatelyRender: true,
    onUpdate: ({ editor: current }) => onChange(visualHtml(current)),
  });

  return (
    // Mantine's declaration files reach Tiptap's CommonJS typings, ours its ESM ones: the same class twice.
    <RichTextEditor
      editor={editor as unknown as RichTextEditorProps["editor"]}
      labels={labels}
      data-testid="signature-visual"
    >
      <RichTextEditor.Toolbar aria-label={t("form.signatureToolbar")}>
        <RichTextEditor.ControlsGroup>
          <RichTextEditor.Bold />
          <RichTextEditor.Italic />
          <RichTextEditor.Underline />
          <RichTextEditor.Strikethrough />
          <RichTextEditor.ClearFormatting />
        </RichTextEditor.ControlsGroup>
        <RichTextEditor.ControlsGroup>
          <RichTextEditor.BulletList />
          <RichTextEditor.OrderedList />
          <RichTextEditor.Hr />
        </RichTextEditor.ControlsGroup>
        <RichTextEditor.ControlsGroup>
          <RichTextEditor.Link />
          <RichTextEditor.Unlink />
          <RichTextEditor.Control
            onClick={() => editor?.chain().focus().setImage({ src: "cid:logo", alt: "Logo" }).run()}
            aria-label={t("form.insertLogo")}
            title={t("form.insertLogo")}
          >
            <IconPhoto size={16} stroke={1.5} aria-hidden />
          </RichTextEditor.Control>
        </RichTextEditor.ControlsGroup>
        <RichTextEditor.ControlsGroup>
          <RichTextEditor.Undo />
          <RichTextEditor.Redo />
        </RichTextEditor.ControlsGroup>
      </RichTextEditor.Toolbar>
      <RichTextEditor.Content aria-label={t("form.signature")} />
    </RichTextEditor>
  );
}
