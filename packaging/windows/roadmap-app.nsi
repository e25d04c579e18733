; Installateur Windows de roadmap-app (NSIS 3) — docs/packaging.md
;
; Installation pour l'utilisateur seul, sans droits d'administrateur, dans
; %LOCALAPPDATA%\Programs\roadmap-app : raccourci du menu Démarrer, icône, association des
; paquets d'atelier (.atelier) dans HKCU\Software\Classes, entrée « Applications installées ».
; La désinstallation retire le programme et ces entrées, jamais les données de l'utilisateur
; (%LOCALAPPDATA%\Departement62\roadmap-app : base, sauvegardes, journaux).
;
;   makensis /DVERSION=0.1.0 /DSOURCE_DIR=..\..\dist\roadmap-app packaging\windows\roadmap-app.nsi
;
; Les chemins relatifs partent du dossier de ce script (makensis s'y place).

Unicode true
ManifestDPIAware true

!include "MUI2.nsh"
!include "FileFunc.nsh"

!ifndef VERSION
  !define VERSION "0.1.0"
!endif
!ifndef SOURCE_DIR
  !define SOURCE_DIR "..\..\dist\roadmap-app"
!endif
!ifndef OUTFILE
  !define OUTFILE "..\..\dist\roadmap-app-${VERSION}-installation.exe"
!endif

!define APP "roadmap-app"
!define APP_TITLE "roadmap-app – Feuille de route volet 3"
!define PUBLISHER "Département du Pas-de-Calais – France Travail"
!define ICON "..\..\resources\icons\app\roadmap-app.ico"
!define UNINST_KEY "Software\Microsoft\Windows\CurrentVersion\Uninstall\${APP}"
!define PROGID "RoadmapApp.Atelier"
!define EXT ".atelier"
!define SHORTCUT "$SMPROGRAMS\${APP_TITLE}.lnk"

Name "${APP_TITLE}"
OutFile "${OUTFILE}"
RequestExecutionLevel user
InstallDir "$LOCALAPPDATA\Programs\${APP}"
InstallDirRegKey HKCU "Software\${APP}" "InstallDir"
SetCompressor /SOLID lzma
BrandingText "${APP} ${VERSION}"

VIProductVersion "${VERSION}.0"
VIAddVersionKey /LANG=1036 "ProductName" "${APP_TITLE}"
VIAddVersionKey /LANG=1036 "CompanyName" "${PUBLISHER}"
VIAddVersionKey /LANG=1036 "FileDescription" "Installation de ${APP}"
VIAddVersionKey /LANG=1036 "FileVersion" "${VERSION}"
VIAddVersionKey /LANG=1036 "ProductVersion" "${VERSION}"
VIAddVersionKey /LANG=1036 "LegalCopyright" "EUPL-1.2"

!define MUI_ICON "${ICON}"
!define MUI_UNICON "${ICON}"
!define MUI_ABORTWARNING
!define MUI_WELCOMEPAGE_TEXT "Cet assistant installe ${APP_TITLE} pour votre compte seulement, sans droits d'administrateur.$\r$\n$\r$\nVos données (base, sauvegardes) ne sont pas dans le dossier du programme : une mise à jour ou une désinstallation ne les touche pas."
!define MUI_FINISHPAGE_RUN "$INSTDIR\roadmap-app.exe"
!define MUI_FINISHPAGE_RUN_TEXT "Lancer ${APP}"
!define MUI_UNCONFIRMPAGE_TEXT_TOP "Le programme va être retiré. Vos données (base, sauvegardes, journaux) sont gardées dans $LOCALAPPDATA\Departement62\${APP}."

!insertmacro MUI_PAGE_WELCOME
!insertmacro MUI_PAGE_DIRECTORY
!insertmacro MUI_PAGE_INSTFILES
!insertmacro MUI_PAGE_FINISH
!insertmacro MUI_UNPAGE_CONFIRM
!insertmacro MUI_UNPAGE_INSTFILES
!insertmacro MUI_LANGUAGE "French"

!macro NOTIFY_SHELL
  ; les associations de fichiers changent : l'Explorateur relit les icônes
  System::Call 'shell32::SHChangeNotify(i 0x08000000, i 0, p 0, p 0)'
!macroend

Section "roadmap-app" SecMain
  SectionIn RO
  SetShellVarContext current
  SetOutPath "$INSTDIR"
  ; une version précédente : ses bibliothèques d'abord (pas de fichier périmé mêlé aux nouveaux)
  RMDir /r "$INSTDIR\_internal"
  File /r "${SOURCE_DIR}\*.*"
  WriteUninstaller "$INSTDIR\desinstaller.exe"

  CreateShortcut "${SHORTCUT}" "$INSTDIR\roadmap-app.exe" "" "$INSTDIR\roadmap-app.exe" 0 \
    SW_SHOWNORMAL "" "Pilotage de la feuille de route volet 3"

  ; paquets d'atelier : double-clic → roadmap-app "fichier"
  WriteRegStr HKCU "Software\Classes\${EXT}" "" "${PROGID}"
  WriteRegStr HKCU "Software\Classes\${PROGID}" "" "Paquet d'atelier – feuille de route"
  WriteRegStr HKCU "Software\Classes\${PROGID}\DefaultIcon" "" "$INSTDIR\roadmap-app.exe,0"
  WriteRegStr HKCU "Software\Classes\${PROGID}\shell\open\command" "" '"$INSTDIR\roadmap-app.exe" "%1"'
  !insertmacro NOTIFY_SHELL

  WriteRegStr HKCU "Software\${APP}" "InstallDir" "$INSTDIR"
  WriteRegStr HKCU "${UNINST_KEY}" "DisplayName" "${APP_TITLE}"
  WriteRegStr HKCU "${UNINST_KEY}" "DisplayVersion" "${VERSION}"
  WriteRegStr HKCU "${UNINST_KEY}" "Publisher" "${PUBLISHER}"
  WriteRegStr HKCU "${UNINST_KEY}" "DisplayIcon" "$INSTDIR\roadmap-app.exe,0"
  WriteRegStr HKCU "${UNINST_KEY}" "InstallLocation" "$INSTDIR"
  WriteRegStr HKCU "${UNINST_KEY}" "UninstallString" '"$INSTDIR\desinstaller.exe"'
  WriteRegStr HKCU "${UNINST_KEY}" "QuietUninstallString" '"$INSTDIR\desinstaller.exe" /S'
  WriteRegDWORD HKCU "${UNINST_KEY}" "NoModify" 1
  WriteRegDWORD HKCU "${UNINST_KEY}" "NoRepair" 1
  ${GetSize} "$INSTDIR" "/S=0K" $0 $1 $2
  WriteRegDWORD HKCU "${UNINST_KEY}" "EstimatedSize" "$0"
SectionEnd

Section "Uninstall"
  SetShellVarContext current
  Delete "${SHORTCUT}"
  ; le programme seulement : jamais RMDir /r sur $INSTDIR (il a pu être choisi ailleurs)
  RMDir /r "$INSTDIR\_internal"
  Delete "$INSTDIR\roadmap-app.exe"
  Delete "$INSTDIR\roadmap-cli.exe"
  Delete "$INSTDIR\desinstaller.exe"
  RMDir "$INSTDIR"

  ; l'association, si elle est encore la nôtre
  ReadRegStr $0 HKCU "Software\Classes\${EXT}" ""
  StrCmp $0 "${PROGID}" 0 +2
    DeleteRegKey HKCU "Software\Classes\${EXT}"
  DeleteRegKey HKCU "Software\Classes\${PROGID}"
  !insertmacro NOTIFY_SHELL
  DeleteRegKey HKCU "${UNINST_KEY}"
  DeleteRegKey HKCU "Software\${APP}"
  ; Données et sauvegardes ($LOCALAPPDATA\Departement62\roadmap-app) : gardées.
SectionEnd
