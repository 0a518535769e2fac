// Pulumi's nodejs runtime calls an exported function and makes its result the stack's outputs.
import { program } from "./program";

export = () => program();
