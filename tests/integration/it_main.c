/* placeholder until the integration suite lands */
int main(void) { return 1; }
