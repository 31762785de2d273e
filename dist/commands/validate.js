import { UserError } from "../cli/io.js";
export const spec = {
    name: "validate",
    summary: "(not built yet)",
    options: [],
};
export async function run(_args, _io) {
    throw new UserError("'validate' is not built yet");
}
