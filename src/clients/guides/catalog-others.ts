import type { ClientGuide } from "./catalog.js";

/** Thunderbird, Apple (macOS, iOS/iPadOS), Android (native app, Gmail app). */
export const OTHER_GUIDES: ClientGuide[] = [
  {
    id: "thunderbird",
    name: "Thunderbird",
    platform: { fr: "Windows, macOS, Linux", en: "Windows, macOS, Linux" },
    automatic: {
      kind: "autoconfig",
      text: {
        fr: "« ≡ » > « Nouveau » > « Compte courrier existant », saisissez votre nom, {email} et le mot de passe, puis « Continuer ». Thunderbird trouve les réglages seul ; vérifiez qu'il propose {inHost} puis cliquez sur « Terminé ».",
        en: "“≡” > “New” > “Existing Mail Account”, type your name, {email} and the password, then “Continue”. Thunderbird finds the settings by itself; check it offers {inHost} then click “Done”.",
      },
    },
    steps: [
      {
        fr: "« ≡ » > « Nouveau » > « Compte courrier existant ». Saisissez votre nom, {email} et le mot de passe, puis « Configurer manuellement ».",
        en: "“≡” > “New” > “Existing Mail Account”. Type your name, {email} and the password, then “Configure manually”.",
      },
      {
        fr: "Serveur entrant : protocole {inType}, nom d'hôte {inHost}, port {inPort}, sécurité de la connexion « {inSecurity} », méthode d'authentification « {inAuth} », identifiant {inUser}.",
        en: "Incoming server: protocol {inType}, hostname {inHost}, port {inPort}, connection security “{inSecurity}”, authentication method “{inAuth}”, username {inUser}.",
      },
      {
        fr: "Serveur sortant : nom d'hôte {outHost}, port {outPort}, sécurité de la connexion « {outSecurity} », méthode d'authentification « {outAuth} », identifiant {outUser}.",
        en: "Outgoing server: hostname {outHost}, port {outPort}, connection security “{outSecurity}”, authentication method “{outAuth}”, username {outUser}.",
      },
      { fr: "Cliquez sur « Retester », puis « Terminé ».", en: "Click “Re-test”, then “Done”." },
    ],
  },
  {
    id: "apple-mail",
    name: "Apple Mail (macOS)",
    platform: { fr: "macOS", en: "macOS" },
    automatic: {
      kind: "mobileconfig",
      text: {
        fr: "Ouvrez le lien du profil (ou scannez le QR code), puis « Réglages Système » > « Confidentialité et sécurité » > « Profils » (ou « Général » > « Gestion des appareils »), double-cliquez sur le profil, « Installer », et saisissez le mot de passe de {email}.",
        en: "Open the profile link (or scan the QR code), then “System Settings” > “Privacy & Security” > “Profiles” (or “General” > “Device Management”), double-click the profile, “Install”, and type the password of {email}.",
      },
    },
    steps: [
      {
        fr: "Dans Mail : « Mail » > « Ajouter un compte » > « Autre compte Mail… » > « Continuer ».",
        en: "In Mail: “Mail” > “Add Account” > “Other Mail Account…” > “Continue”.",
      },
      {
        fr: "Nom : le vôtre. Adresse e-mail : {email}. Mot de passe : le vôtre. Cliquez sur « Se connecter ».",
        en: "Name: yours. Email address: {email}. Password: yours. Click “Sign In”.",
      },
      {
        fr: "Si Mail demande les serveurs : nom d'utilisateur {inUser}, type de compte {inType}, serveur de réception {inHost}, serveur d'envoi {outHost}. « Se connecter ».",
        en: "If Mail asks for the servers: user name {inUser}, account type {inType}, incoming mail server {inHost}, outgoing mail server {outHost}. “Sign In”.",
      },
      {
        fr: "Pour les ports : « Mail » > « Réglages » > « Comptes » > « Réglages du serveur », décochez « Gérer automatiquement les réglages de connexion » : réception port {inPort} avec « Utiliser TLS/SSL » ({inSecurity}), envoi port {outPort} avec « Utiliser TLS/SSL » ({outSecurity}).",
        en: "For the ports: “Mail” > “Settings” > “Accounts” > “Server Settings”, untick “Automatically manage connection settings”: incoming port {inPort} with “Use TLS/SSL” ({inSecurity}), outgoing port {outPort} with “Use TLS/SSL” ({outSecurity}).",
      },
    ],
  },
  {
    id: "ios-mail",
    name: "Mail (iPhone / iPad)",
    platform: { fr: "iOS / iPadOS", en: "iOS / iPadOS" },
    automatic: {
      kind: "mobileconfig",
      text: {
        fr: "Scannez le QR code avec l'appareil photo (ou ouvrez le lien dans Safari), « Autoriser », puis « Réglages » > « Profil téléchargé » > « Installer », et saisissez le mot de passe de {email} quand il est demandé.",
        en: "Scan the QR code with the Camera (or open the link in Safari), “Allow”, then “Settings” > “Profile Downloaded” > “Install”, and type the password of {email} when asked.",
      },
    },
    steps: [
      {
        fr: "« Réglages » > « Apps » > « Mail » > « Comptes de messagerie » > « Ajouter un compte » > « Autre » > « Ajouter un compte Mail ». (Avant iOS 18 : « Réglages » > « Mail » > « Comptes ».)",
        en: "“Settings” > “Apps” > “Mail” > “Mail Accounts” > “Add Account” > “Other” > “Add Mail Account”. (Before iOS 18: “Settings” > “Mail” > “Accounts”.)",
      },
      {
        fr: "Nom, adresse {email}, mot de passe, description, puis « Suivant ». Choisissez l'onglet « {inType} ».",
        en: "Name, email {email}, password, description, then “Next”. Choose the “{inType}” tab.",
      },
      {
        fr: "Serveur de réception : nom d'hôte {inHost}, nom d'utilisateur {inUser}, mot de passe. Serveur d'envoi : nom d'hôte {outHost}, nom d'utilisateur {outUser}, mot de passe. « Suivant », puis « Enregistrer ».",
        en: "Incoming mail server: host name {inHost}, user name {inUser}, password. Outgoing mail server: host name {outHost}, user name {outUser}, password. “Next”, then “Save”.",
      },
      {
        fr: "Pour les ports : ouvrez le compte > « Compte » > « Avancé » : « Utiliser SSL » activé et port {inPort} ; puis « SMTP » > {outHost} : « Utiliser SSL » activé et port {outPort}.",
        en: "For the ports: open the account > “Account” > “Advanced”: “Use SSL” on and port {inPort}; then “SMTP” > {outHost}: “Use SSL” on and port {outPort}.",
      },
    ],
  },
  {
    id: "android",
    name: "Android (application e-mail native / native email app)",
    platform: {
      fr: "Android (Samsung Email et applications e-mail des constructeurs)",
      en: "Android (Samsung Email and vendors' email apps)",
    },
    steps: [
      {
        fr: "Ouvrez l'application E-mail > « Ajouter un compte » > « Autres ». Saisissez {email} et le mot de passe, puis « Configuration manuelle ».",
        en: "Open the Email app > “Add account” > “Other”. Type {email} and the password, then “Manual setup”.",
      },
      { fr: "Type de compte : {inType}.", en: "Account type: {inType}." },
      {
        fr: "Serveur entrant : nom d'utilisateur {inUser}, serveur {inHost}, type de sécurité « {inSecurity} », port {inPort}.",
        en: "Incoming server: user name {inUser}, server {inHost}, security type “{inSecurity}”, port {inPort}.",
      },
      {
        fr: "Serveur sortant : serveur SMTP {outHost}, type de sécurité « {outSecurity} », port {outPort}, « Authentification requise pour l'envoi » activé, nom d'utilisateur {outUser}.",
        en: "Outgoing server: SMTP server {outHost}, security type “{outSecurity}”, port {outPort}, “Require authentication to send emails” on, user name {outUser}.",
      },
      {
        fr: "« Connexion ». Pour vérifier plus tard : sélectionnez le compte > « Paramètres avancés » > « Paramètres du serveur ».",
        en: "“Sign in”. To check later: select the account > “Advanced settings” > “Server settings”.",
      },
    ],
  },
  {
    id: "gmail-app",
    name: "Gmail (application / app)",
    platform: { fr: "Android, iPhone", en: "Android, iPhone" },
    automatic: {
      kind: "provider-sign-in",
      text: {
        fr: "Pour une adresse Gmail, Google Workspace ou Outlook.com, choisissez le fournisseur dans la liste : l'application se connecte sans réglage. Pour une autre adresse, suivez les étapes.",
        en: "For a Gmail, Google Workspace or Outlook.com address, pick the provider in the list: the app signs in without settings. For any other address, follow the steps.",
      },
    },
    steps: [
      {
        fr: "Touchez votre photo de profil > « Ajouter un compte » > « Autre ». Saisissez {email}, puis « Configuration manuelle ».",
        en: "Tap your profile picture > “Add another account” > “Other”. Type {email}, then “Manual setup”.",
      },
      {
        fr: "Choisissez « Personnel ({inType}) » et saisissez le mot de passe.",
        en: "Choose “Personal ({inType})” and type the password.",
      },
      {
        fr: "Paramètres du serveur entrant : nom d'utilisateur {inUser}, serveur {inHost}, port {inPort}, type de sécurité « {inSecurity} ».",
        en: "Incoming server settings: username {inUser}, server {inHost}, port {inPort}, security type “{inSecurity}”.",
      },
      {
        fr: "Paramètres du serveur sortant : « Exiger une connexion » activé, nom d'utilisateur {outUser}, serveur SMTP {outHost}, port {outPort}, type de sécurité « {outSecurity} ».",
        en: "Outgoing server settings: “Require sign-in” on, username {outUser}, SMTP server {outHost}, port {outPort}, security type “{outSecurity}”.",
      },
      {
        fr: "Choisissez la fréquence de synchronisation, puis « Suivant ».",
        en: "Choose the sync frequency, then “Next”.",
      },
    ],
  },
];
