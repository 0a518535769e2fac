/** One-shot actions on the server as remote.Command, and the shell scripts the program installs there. */
export { serverCommand, type ServerCommandArgs } from "./server-command";
export * from "./server-scripts";
export { BACKUP_ROOT, backupScript, type BackupOptions } from "./backup-script";
