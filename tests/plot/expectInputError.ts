export { expectInputError } from '../helpers/expectInputError';
