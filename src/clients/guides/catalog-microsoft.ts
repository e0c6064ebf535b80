import type { ClientGuide } from "./catalog.js";

/** Outlook, from today's to the seed's legacy versions, and Windows Mail. Menu names as the clients show them. */
export const MICROSOFT_GUIDES: ClientGuide[] = [
  {
    id: "outlook",
    name: "Outlook (nouveau / new)",
    platform: { fr: "Windows 11, Windows 10, Mac", en: "Windows 11, Windows 10, Mac" },
    automatic: {
      kind: "autodiscover",
      text: {
        fr: "Outlook essaie d'abord seul : saisissez {email} et, s'il trouve les réglages, il vous demande seulement le mot de passe. Sinon, suivez les étapes ci-dessous.",
        en: "Outlook tries on its own first: type {email} and, if it finds the settings, it only asks for the password. Otherwise follow the steps below.",
      },
    },
    steps: [
      {
        fr: "Ouvrez « Paramètres » (roue dentée) > « Comptes » > « Comptes de messagerie » > « Ajouter un compte ».",
        en: "Open “Settings” (gear) > “Accounts” > “Email accounts” > “Add account”.",
      },
      {
        fr: "Saisissez {email}, puis « Continuer ». Choisissez « {inType} » comme type de compte.",
        en: "Type {email}, then “Continue”. Choose “{inType}” as the account type.",
      },
      {
        fr: "Cliquez sur « Afficher plus ». Serveur entrant : {inHost}, port {inPort}, connexion sécurisée « {inSecurity} », nom d'utilisateur {inUser}.",
        en: "Click “Show more”. Incoming server: {inHost}, port {inPort}, secure connection “{inSecurity}”, username {inUser}.",
      },
      {
        fr: "Serveur sortant SMTP : {outHost}, port {outPort}, connexion sécurisée « {outSecurity} », nom d'utilisateur {outUser}, même mot de passe.",
        en: "Outgoing SMTP server: {outHost}, port {outPort}, secure connection “{outSecurity}”, username {outUser}, same password.",
      },
      { fr: "Cliquez sur « Continuer » puis « Terminé ».", en: "Click “Continue”, then “Done”." },
    ],
  },
  {
    id: "outlook-classic",
    name: "Outlook classique / classic (2010–2024, Microsoft 365)",
    platform: { fr: "Windows", en: "Windows" },
    automatic: {
      kind: "autodiscover",
      text: {
        fr: "« Fichier » > « Ajouter un compte », saisissez {email} puis « Connexion ». Outlook lit les réglages publiés par votre domaine (Autodiscover) et demande seulement le mot de passe.",
        en: "“File” > “Add Account”, type {email} then “Connect”. Outlook reads the settings your domain publishes (Autodiscover) and only asks for the password.",
      },
    },
    steps: [
      {
        fr: "« Fichier » > « Ajouter un compte ». Saisissez {email}, ouvrez « Options avancées », cochez « Configurer mon compte manuellement », puis « Connexion ».",
        en: "“File” > “Add Account”. Type {email}, open “Advanced options”, tick “Let me set up my account manually”, then “Connect”.",
      },
      { fr: "Choisissez « {inType} ».", en: "Choose “{inType}”." },
      {
        fr: "Courrier entrant : serveur {inHost}, port {inPort}, méthode de chiffrement « {inSecurity} ». Laissez décochée « Exiger l'authentification par mot de passe sécurisé (SPA) ».",
        en: "Incoming mail: server {inHost}, port {inPort}, encryption method “{inSecurity}”. Leave “Require logon using Secure Password Authentication (SPA)” unticked.",
      },
      {
        fr: "Courrier sortant : serveur {outHost}, port {outPort}, méthode de chiffrement « {outSecurity} ».",
        en: "Outgoing mail: server {outHost}, port {outPort}, encryption method “{outSecurity}”.",
      },
      {
        fr: "Cliquez sur « Suivant », saisissez le mot de passe, puis « Connexion ». Si Outlook demande un nom d'utilisateur : {inUser}.",
        en: "Click “Next”, type the password, then “Connect”. If Outlook asks for a username: {inUser}.",
      },
    ],
  },
  {
    id: "outlook-2007",
    name: "Outlook 2007",
    platform: { fr: "Windows", en: "Windows" },
    legacy: true,
    automatic: {
      kind: "autodiscover",
      text: {
        fr: "Outlook 2007 sait lire les réglages publiés par votre domaine (Autodiscover) : « Outils » > « Paramètres du compte » > « Nouveau », saisissez votre nom, {email} et le mot de passe, puis « Suivant ». Si cela échoue, suivez les étapes ci-dessous.",
        en: "Outlook 2007 can read the settings your domain publishes (Autodiscover): “Tools” > “Account Settings” > “New”, type your name, {email} and the password, then “Next”. If that fails, follow the steps below.",
      },
    },
    steps: [
      {
        fr: "« Outils » > « Paramètres du compte » > onglet « Courrier électronique » > « Nouveau ». Cochez « Configurer manuellement les paramètres du serveur », puis « Suivant » > « Messagerie Internet ».",
        en: "“Tools” > “Account Settings” > “E-mail” tab > “New”. Tick “Manually configure server settings”, then “Next” > “Internet E-mail”.",
      },
      {
        fr: "Type de compte : {inType}. Serveur de courrier entrant : {inHost}. Serveur de courrier sortant (SMTP) : {outHost}. Nom d'utilisateur : {inUser}.",
        en: "Account type: {inType}. Incoming mail server: {inHost}. Outgoing mail server (SMTP): {outHost}. User name: {inUser}.",
      },
      {
        fr: "« Paramètres supplémentaires » > onglet « Serveur sortant » : cochez « Mon serveur sortant (SMTP) requiert une authentification » et « Utiliser les mêmes paramètres que mon serveur de courrier entrant ».",
        en: "“More Settings” > “Outgoing Server” tab: tick “My outgoing server (SMTP) requires authentication” and “Use same settings as my incoming mail server”.",
      },
      {
        fr: "Onglet « Options avancées » : serveur entrant port {inPort}, type de connexion chiffrée « {inSecurity} » ; serveur sortant port {outPort}, type de connexion chiffrée « {outSecurity} ». Cliquez sur « OK ».",
        en: "“Advanced” tab: incoming server port {inPort}, encrypted connection type “{inSecurity}”; outgoing server port {outPort}, encrypted connection type “{outSecurity}”. Click “OK”.",
      },
      {
        fr: "Cliquez sur « Tester les paramètres du compte », puis « Suivant » et « Terminer ».",
        en: "Click “Test Account Settings”, then “Next” and “Finish”.",
      },
    ],
  },
  {
    id: "outlook-2000-xp",
    name: "Outlook 2000 / XP (2002)",
    platform: { fr: "Windows", en: "Windows" },
    legacy: true,
    steps: [
      {
        fr: "« Outils » > « Comptes de messagerie ». Choisissez « Ajouter un nouveau compte de messagerie » (ou « Afficher ou modifier les comptes existants » puis « Modifier »), puis « Suivant ».",
        en: "“Tools” > “E-mail Accounts”. Choose “Add a new e-mail account” (or “View or change existing e-mail accounts” then “Change”), then “Next”.",
      },
      {
        fr: "Type de serveur : {inType}. Serveur de courrier entrant : {inHost}. Serveur de courrier sortant (SMTP) : {outHost}. Nom d'utilisateur : {inUser}.",
        en: "Server type: {inType}. Incoming mail server: {inHost}. Outgoing mail server (SMTP): {outHost}. User name: {inUser}.",
      },
      {
        fr: "« Paramètres supplémentaires » > onglet « Serveur sortant » : cochez « Mon serveur sortant (SMTP) requiert une authentification » et « Utiliser les mêmes paramètres que mon serveur de courrier entrant ».",
        en: "“More Settings” > “Outgoing Server” tab: tick “My outgoing server (SMTP) requires authentication” and “Use same settings as my incoming mail server”.",
      },
      {
        fr: "Onglet « Options avancées » : serveur entrant port {inPort} et cochez « Ce serveur nécessite une connexion sécurisée (SSL) » ({inSecurity}) ; serveur sortant port {outPort}, même case cochée ({outSecurity}).",
        en: "“Advanced” tab: incoming server port {inPort} and tick “This server requires a secure connection (SSL)” ({inSecurity}); outgoing server port {outPort}, same box ticked ({outSecurity}).",
      },
      { fr: "« OK », « Suivant », puis « Terminer ».", en: "“OK”, “Next”, then “Finish”." },
    ],
  },
  {
    id: "outlook-98",
    name: "Outlook 98",
    platform: { fr: "Windows", en: "Windows" },
    legacy: true,
    steps: [
      {
        fr: "« Outils » > « Comptes » (ou « Démarrer » > « Paramètres » > « Panneau de configuration » > « Courrier »). Choisissez le compte puis « Propriétés », ou « Ajouter » > « Courrier ».",
        en: "“Tools” > “Accounts” (or “Start” > “Settings” > “Control Panel” > “Mail”). Choose the account then “Properties”, or “Add” > “Mail”.",
      },
      {
        fr: "Onglet « Serveurs » : mon serveur de messagerie pour courrier entrant est un serveur {inType} ; courrier entrant {inHost} ; courrier sortant (SMTP) {outHost} ; nom du compte {inUser}.",
        en: "“Servers” tab: my incoming mail server is a {inType} server; incoming mail {inHost}; outgoing mail (SMTP) {outHost}; account name {inUser}.",
      },
      {
        fr: "Cochez « Mon serveur requiert une authentification », puis « Paramètres » > « Utiliser des paramètres identiques à ceux du serveur de messagerie pour courrier entrant ».",
        en: "Tick “My server requires authentication”, then “Settings” > “Use same settings as my incoming mail server”.",
      },
      {
        fr: "Onglet « Avancé » : courrier sortant port {outPort}, courrier entrant port {inPort}, et cochez « Ce serveur nécessite une connexion sécurisée (SSL) » pour chacun.",
        en: "“Advanced” tab: outgoing mail port {outPort}, incoming mail port {inPort}, and tick “This server requires a secure connection (SSL)” for each.",
      },
      { fr: "Cliquez sur « OK » pour enregistrer.", en: "Click “OK” to save." },
    ],
  },
  {
    id: "outlook-express",
    name: "Outlook Express",
    platform: { fr: "Windows 98 / 2000 / XP", en: "Windows 98 / 2000 / XP" },
    legacy: true,
    steps: [
      {
        fr: "« Outils » > « Comptes » > onglet « Courrier ». Sélectionnez le compte puis « Propriétés » (ou « Ajouter » > « Courrier » pour un nouveau compte).",
        en: "“Tools” > “Accounts” > “Mail” tab. Select the account then “Properties” (or “Add” > “Mail” for a new account).",
      },
      {
        fr: "Onglet « Serveurs » : serveur de messagerie entrant {inType} ; courrier entrant {inHost} ; courrier sortant (SMTP) {outHost} ; nom du compte {inUser}.",
        en: "“Servers” tab: incoming mail server {inType}; incoming mail {inHost}; outgoing mail (SMTP) {outHost}; account name {inUser}.",
      },
      {
        fr: "Cochez « Mon serveur requiert une authentification », cliquez sur « Paramètres » et choisissez « Utiliser les mêmes paramètres que mon serveur de messagerie entrant ».",
        en: "Tick “My server requires authentication”, click “Settings” and choose “Use same settings as my incoming mail server”.",
      },
      {
        fr: "Onglet « Avancé » : courrier sortant (SMTP) port {outPort}, courrier entrant port {inPort} ; cochez « Ce serveur nécessite une connexion sécurisée (SSL) » sous chacun.",
        en: "“Advanced” tab: outgoing mail (SMTP) port {outPort}, incoming mail port {inPort}; tick “This server requires a secure connection (SSL)” under each.",
      },
      { fr: "Cliquez sur « OK » pour enregistrer les modifications.", en: "Click “OK” to save the changes." },
    ],
  },
  {
    id: "windows-mail",
    name: "Courrier de Windows / Windows Mail",
    platform: { fr: "Windows 10 / 11", en: "Windows 10 / 11" },
    note: {
      fr: "Microsoft remplace « Courrier » par le nouvel Outlook : si l'application n'est plus là, suivez le guide « Outlook (nouveau) ».",
      en: "Microsoft is replacing “Mail” with the new Outlook: if the app is gone, follow the “Outlook (new)” guide.",
    },
    steps: [
      {
        fr: "« Paramètres » (roue dentée) > « Gérer les comptes » > « Ajouter un compte » > « Configuration avancée » > « Courrier Internet ».",
        en: "“Settings” (gear) > “Manage accounts” > “Add account” > “Advanced setup” > “Internet email”.",
      },
      {
        fr: "Adresse e-mail : {email}. Nom d'utilisateur : {inUser}. Mot de passe : le vôtre. Nom du compte et « Envoyer vos messages sous ce nom » : à votre choix.",
        en: "Email address: {email}. User name: {inUser}. Password: yours. Account name and “Send your messages using this name”: your choice.",
      },
      {
        fr: "Serveur de courrier entrant : {inHost}:{inPort}. Type de compte : {inType}.",
        en: "Incoming email server: {inHost}:{inPort}. Account type: {inType}.",
      },
      {
        fr: "Serveur de courrier sortant (SMTP) : {outHost}:{outPort}.",
        en: "Outgoing (SMTP) email server: {outHost}:{outPort}.",
      },
      {
        fr: "Laissez cochées « Le serveur sortant nécessite une authentification », « Utiliser le même nom d'utilisateur et mot de passe », « Exiger le protocole SSL pour le courrier entrant » et « … sortant ». Cliquez sur « Se connecter ».",
        en: "Keep ticked “Outgoing server requires authentication”, “Use the same user name and password”, “Require SSL for incoming email” and “… outgoing email”. Click “Sign in”.",
      },
    ],
  },
];
