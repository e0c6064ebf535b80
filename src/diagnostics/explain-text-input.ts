import { same, type ExplanationTable } from "./explain-text-kit.js";

type InputCode = "PROTOCOL_ARGUMENT_REFUSED";

/** Failures of the settings themselves, found before anything reached the server. */
export const INPUT_EXPLANATIONS: ExplanationTable<InputCode> = {
  PROTOCOL_ARGUMENT_REFUSED: {
    diagnosis: () =>
      same(
        "Un réglage (identifiant, mot de passe, adresse) contient un retour à la ligne ou un caractère de contrôle : il aurait ajouté une commande au dialogue avec le serveur. Rien n'a été envoyé.",
        "A setting (user name, password, address) holds a line break or control character: it would have added a command to the dialogue with the server. Nothing was sent.",
      ),
    fix: () =>
      same(
        "Modifiez le serveur et retapez l'identifiant et le mot de passe sur une seule ligne.",
        "Edit the server and type the user name and password again on one line.",
      ),
  },
};
