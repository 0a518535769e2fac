export { ForgeSite, type ForgeSiteArgs } from "./site";
export { ForgeDatabase, type ForgeDatabaseArgs } from "./database";
export { ForgeDatabaseUser, type ForgeDatabaseUserArgs } from "./database-user";
export { ForgeEnvironmentFile, type ForgeEnvironmentFileArgs } from "./environment-file";
export { ForgeBackgroundProcess, type ForgeBackgroundProcessArgs } from "./background-process";
export { ForgeCertificate, type ForgeCertificateArgs } from "./certificate";
export { ForgeDeployment, type ForgeDeploymentArgs } from "./deployment";
export { deployScript } from "./deploy-script";
export { dotenv } from "./dotenv";
