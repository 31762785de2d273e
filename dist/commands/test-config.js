import { UserError } from "../cli/io.js";
export const spec = {
    name: "test-config",
    summary: "(not built yet)",
    options: [],
};
export async function run(_args, _io) {
    throw new UserError("'test-config' is not built yet");
}
