// `npm start`: until the demo app lands, starts the local Janus and prints how to reach it.
import { runLocalJanus } from './janus.js';

await runLocalJanus();
