import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import { parseArgs, type ParseArgsConfig } from 'node:util';
import { loadConfigOrExit } from '#libs/config';
import { DomainError } from '#libs/core';
import { CliError } from './cli-error.js';
import { CliModule } from './cli.module.js';
import { keysCreate, keysCreateOptions } from './commands/keys-create.js';
import { keysList, keysListOptions } from './commands/keys-list.js';
import { orgsAddMember, orgsAddMemberOptions } from './commands/orgs-add-member.js';
import { orgsCreate, orgsCreateOptions } from './commands/orgs-create.js';
import { users2faReset, users2faResetOptions } from './commands/users-2fa-reset.js';
import { usersCreate, usersCreateOptions } from './commands/users-create.js';

type Command = {
  options: NonNullable<ParseArgsConfig['options']>;
  run: (app: Awaited<ReturnType<typeof NestFactory.createApplicationContext>>, values: Record<string, unknown>) => Promise<object>;
};

const COMMANDS: Record<string, Command> = {
  'users:create': { options: usersCreateOptions, run: usersCreate },
  'users:2fa-reset': { options: users2faResetOptions, run: users2faReset },
  'keys:create': { options: keysCreateOptions, run: keysCreate },
  'keys:list': { options: keysListOptions, run: keysList },
  'orgs:create': { options: orgsCreateOptions, run: orgsCreate },
  'orgs:add-member': { options: orgsAddMemberOptions, run: orgsAddMember },
};

const USAGE = `usage: npm run cli -- <command> [options]
  users:create --email E --password P [--staff] [--first-name F] [--last-name L]
  users:2fa-reset --email E
  keys:create --email E --label L --scopes user:read,user:write [--scoped-organizations ID,…] [--scoped-teams ID,…]
  keys:list --email E
  orgs:create --name N --owner E
  orgs:add-member --org ID --email E [--level 1|8|15]`;

/** Runs one command; prints its result as one JSON line on stdout, or one error line on stderr. */
async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  const command = name ? COMMANDS[name] : undefined;
  if (!command) {
    console.error(name ? `error: unknown command ${name}\n${USAGE}` : USAGE);
    return 2;
  }
  let values: Record<string, unknown>;
  try {
    values = parseArgs({ args: rest, options: command.options, strict: true, allowPositionals: false }).values;
  } catch (error) {
    console.error(`error: ${(error as Error).message}\n${USAGE}`);
    return 2;
  }
  loadConfigOrExit();
  // abortOnError off: a failure to connect reaches the catch below and is printed as one line.
  const app = await NestFactory.createApplicationContext(CliModule, { logger: false, abortOnError: false });
  try {
    console.log(JSON.stringify(await command.run(app, values)));
    return 0;
  } catch (error) {
    if (error instanceof CliError || error instanceof DomainError) {
      console.error(`error: ${error.message}`);
      return 1;
    }
    throw error;
  } finally {
    await app.close();
  }
}

const code = await main(process.argv.slice(2)).catch((error: unknown) => {
  console.error(`error: ${error instanceof Error ? error.message : String(error)}`);
  return 1;
});
// Exit now: when the app failed to start, clients it had already opened (Redis) would keep the
// process alive; everything the command wrote is out (writes to a pipe or file are synchronous).
process.exit(code);
